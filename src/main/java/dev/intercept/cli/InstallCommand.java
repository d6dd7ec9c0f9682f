package dev.intercept.cli;

import dev.intercept.manifest.InstallOptions;
import dev.intercept.manifest.ManifestWriter;
import dev.intercept.manifest.ProxyManifests;
import dev.intercept.manifest.ProxyNames;
import dev.intercept.protocol.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code install}: the proxy's manifests for this version, on stdout, for kubectl apply -f -. */
@Command(
    name = "install",
    description = {
      "Print the proxy's manifests for this version (namespace, RBAC, Deployment, Services,"
          + " PodDisruptionBudget, NetworkPolicy): intercept install | kubectl apply -f -",
      "The Deployment refers to Secrets whose values are never in it: create them once with"
          + " intercept install --secrets-only | kubectl create -f -"
    })
final class InstallCommand implements Callable<Integer>, ClientCommand.Offline {
  @Option(
      names = "--namespace",
      paramLabel = "NS",
      description = "the proxy's namespace (default: intercept)")
  String namespace = ProxyNames.DEFAULT_NAMESPACE;

  @Option(
      names = "--replicas",
      paramLabel = "N",
      description = "proxy replicas; more than 1 clusters them (Hazelcast) (default: 1)")
  int replicas = 1;

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description = "the image (default: intercept:VERSION)")
  String image = ProxyNames.image(ManifestInput.version());

  @Option(
      names = "--sidecar-service-accounts",
      split = ",",
      paramLabel = "NS:NAME",
      description = "the service accounts of the injected pods: their tokens are sidecars")
  List<String> sidecarAccounts = new ArrayList<>();

  @Option(
      names = "--with-secrets",
      description =
          "also print freshly made Secrets (host key; cluster name and event-bus keystore)")
  boolean withSecrets;

  @Option(names = "--secrets-only", description = "print only the freshly made Secrets")
  boolean secretsOnly;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return ManifestInput.run(spec, this::install);
  }

  private ManifestInput.Output install() {
    if (withSecrets && secretsOnly) {
      throw new InvalidInputException("--with-secrets or --secrets-only, not both");
    }
    InstallOptions o =
        new InstallOptions(
            namespace,
            replicas,
            image,
            sidecarAccounts,
            secretsOnly
                ? InstallOptions.Secrets.ONLY
                : withSecrets ? InstallOptions.Secrets.INCLUDE : InstallOptions.Secrets.NONE);
    return new ManifestInput.Output(ManifestWriter.yaml(header(o), ProxyManifests.of(o)), notes(o));
  }

  static List<String> header(InstallOptions o) {
    String what =
        switch (o.secrets()) {
          case NONE -> "the proxy's manifests";
          case INCLUDE -> "the proxy's manifests and fresh SECRETS (never commit this output)";
          case ONLY -> "fresh SECRETS for the proxy (never commit this output)";
        };
    return List.of(Cli.VERSION + ": " + what + ", made by:", o.command());
  }

  private static List<String> notes(InstallOptions o) {
    List<String> notes = new ArrayList<>();
    switch (o.secrets()) {
      case NONE ->
          notes.add(
              "the proxy starts once "
                  + o.secretNames()
                  + " exist: create them once with "
                  + o.createSecrets());
      case INCLUDE, ONLY ->
          notes.add(
              "printed fresh: "
                  + o.secretNames()
                  + ". Create once (kubectl create), never commit; applying new ones replaces the"
                  + " host key clients pinned");
    }
    if (o.secrets() != InstallOptions.Secrets.ONLY && o.sidecarServiceAccounts().isEmpty()) {
      notes.add(
          "no --sidecar-service-accounts: sidecars get 403 until the proxy lists their service"
              + " accounts (inject says which)");
    }
    return notes;
  }
}

package dev.intercept.manifest;

import dev.intercept.protocol.InvalidInputException;
import dev.intercept.protocol.Names;
import java.util.List;

/**
 * What install prints: the namespace, how many replicas (more than one: a Hazelcast cluster with
 * its Secret), the image, the service accounts whose tokens are sidecars ({@code NAMESPACE:NAME}),
 * and whether to print fresh Secrets ({@link Secrets}).
 */
public record InstallOptions(
    String namespace,
    int replicas,
    String image,
    List<String> sidecarServiceAccounts,
    Secrets secrets) {

  /** The manifests only (safe to commit), both, or the Secrets only (create them once). */
  public enum Secrets {
    NONE,
    INCLUDE,
    ONLY
  }

  public static final int MAX_REPLICAS = 15;

  /** A DNS subdomain: what Kubernetes takes as the name of a ServiceAccount or a Secret. */
  static final String SUBDOMAIN = "[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?";

  static void checkImage(String option, String image) {
    if (image == null || image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
      throw new InvalidInputException(option + " must be an image reference, got '" + image + "'");
    }
  }

  /** Refuses what Kubernetes would refuse, before anything is printed. */
  public InstallOptions {
    Names.check("--namespace", namespace);
    if (replicas < 1 || replicas > MAX_REPLICAS) {
      throw new InvalidInputException(
          "--replicas must be from 1 to " + MAX_REPLICAS + ", got " + replicas);
    }
    checkImage("--image", image);
    for (String sa : sidecarServiceAccounts) {
      String[] parts = sa.split(":", -1);
      if (parts.length != 2
          || !Names.LABEL.matcher(parts[0]).matches()
          || !parts[1].matches(SUBDOMAIN)) {
        throw new InvalidInputException(
            "--sidecar-service-accounts takes NAMESPACE:NAME,... (e.g. default:the-app), got '"
                + sa
                + "'");
      }
    }
    sidecarServiceAccounts = List.copyOf(sidecarServiceAccounts);
  }

  public boolean clustered() {
    return replicas > 1;
  }

  /** How to print these manifests again: every option, defaults included. */
  public String command() {
    return "intercept install --namespace "
        + namespace
        + " --replicas "
        + replicas
        + " --image "
        + image
        + (sidecarServiceAccounts.isEmpty()
            ? ""
            : " --sidecar-service-accounts " + String.join(",", sidecarServiceAccounts));
  }

  /** The Secrets the Deployment refers to, in words. */
  public String secretNames() {
    return clustered()
        ? "the Secrets " + ProxyNames.HOST_KEY_SECRET + " and " + ProxyNames.CLUSTER_SECRET
        : "the Secret " + ProxyNames.HOST_KEY_SECRET;
  }

  /** How to create them, once. */
  public String createSecrets() {
    return "intercept install --namespace "
        + namespace
        + " --replicas "
        + replicas
        + " --secrets-only | kubectl create -f -";
  }
}

package dev.intercept.cli;

import dev.intercept.manifest.InjectOptions;
import dev.intercept.manifest.ProxyNames;
import dev.intercept.manifest.SidecarInjection;
import dev.intercept.protocol.InvalidInputException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code inject FILE|-}: the manifests with the sidecar added, on stdout. */
@Command(
    name = "inject",
    description = {
      "Print the manifests of FILE (- for stdin; YAML or JSON) with the intercept sidecar added"
          + " to every Deployment, StatefulSet and DaemonSet, and the Services in them that select"
          + " those pods moved to the sidecar: intercept inject app.yaml | kubectl apply -f -",
      "Injecting again replaces what was injected; other documents pass unchanged."
    })
final class InjectCommand implements Callable<Integer>, ClientCommand.Offline {
  @Parameters(index = "0", paramLabel = "FILE", description = "manifests, or - for stdin")
  String file;

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description = "the sidecar's image (default: intercept:VERSION)")
  String image = ProxyNames.image(ManifestInput.version());

  @Option(
      names = "--proxy-namespace",
      paramLabel = "NS",
      description = "the namespace install put the proxy in (default: intercept)")
  String proxyNamespace = ProxyNames.DEFAULT_NAMESPACE;

  @Option(
      names = "--port",
      paramLabel = "NAME|NUMBER",
      description = "the app's container port, when it has several")
  String port;

  @Option(
      names = "--app-name",
      paramLabel = "NAME",
      description = "the app's name for intercepts (APPNAME; default: the workload's name)")
  String appName;

  @Option(
      names = "--data-plane",
      paramLabel = "builtin|envoy",
      description = "builtin (default), or envoy: an Envoy container beside the sidecar")
  String dataPlane = "builtin";

  @Option(
      names = "--envoy-image",
      paramLabel = "IMAGE",
      description = "Envoy's image (default: " + InjectOptions.ENVOY_IMAGE + ")")
  String envoyImage = InjectOptions.ENVOY_IMAGE;

  @Option(
      names = "--token-secret",
      paramLabel = "SECRET",
      description =
          "take the sidecar's token from this Secret (key: token) instead of a projected"
              + " service-account token (a --auth=token-file proxy; podman kube play)")
  String tokenSecret;

  @Option(
      names = "--app-protocol",
      paramLabel = "PROTOCOL",
      description =
          "how the app speaks (APPPROTOCOL): http, kubernetes.io/h2c, grpc or kubernetes.io/ws"
              + " (default: the appProtocol of the Service ports that target the app, else http)")
  String appProtocol;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return ManifestInput.run(spec, this::inject);
  }

  private ManifestInput.Output inject() {
    if (!dataPlane.equals("builtin") && !dataPlane.equals("envoy")) {
      throw new InvalidInputException("--data-plane is builtin or envoy, got '" + dataPlane + "'");
    }
    InjectOptions o =
        new InjectOptions(
            image,
            proxyNamespace,
            port,
            appName,
            dataPlane.equals("envoy"),
            envoyImage,
            tokenSecret,
            appProtocol);
    SidecarInjection.Result r = SidecarInjection.inject(ManifestInput.read(file, System.in), o);
    return new ManifestInput.Output(r.text(), r.notes());
  }
}

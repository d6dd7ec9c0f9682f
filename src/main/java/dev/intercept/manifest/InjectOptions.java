package dev.intercept.manifest;

import dev.intercept.config.ConfigKey;
import dev.intercept.protocol.InvalidInputException;
import dev.intercept.protocol.Names;

/**
 * What inject adds: the image, where the proxy is, which port is the app's (null: the only one, or
 * the one a Service in the input targets), the app's name (null: the workload's), the data plane,
 * Envoy's image, a Secret holding the sidecar's token (null: a projected service-account token,
 * which the proxy's TokenReview checks), and the app's protocol (APPPROTOCOL; null: the appProtocol
 * of the Service ports that target the app, if any).
 */
public record InjectOptions(
    String image,
    String proxyNamespace,
    String port,
    String appName,
    boolean envoy,
    String envoyImage,
    String tokenSecret,
    String appProtocol) {

  public static final String ENVOY_IMAGE = "envoyproxy/envoy:v1.31-latest";

  /** The app's protocol taken from its Services. */
  public InjectOptions(
      String image,
      String proxyNamespace,
      String port,
      String appName,
      boolean envoy,
      String envoyImage,
      String tokenSecret) {
    this(image, proxyNamespace, port, appName, envoy, envoyImage, tokenSecret, null);
  }

  /** Refuses what Kubernetes would refuse, before anything is read. */
  public InjectOptions {
    AppProtocol.check(appProtocol);
    InstallOptions.checkImage("--image", image);
    InstallOptions.checkImage("--envoy-image", envoyImage);
    Names.check("--proxy-namespace", proxyNamespace);
    if (appName != null) {
      Names.check("--app-name", appName);
    }
    if (tokenSecret != null && !tokenSecret.matches(InstallOptions.SUBDOMAIN)) {
      throw new InvalidInputException("--token-secret '" + tokenSecret + "' is no Secret name");
    }
  }

  /** The proxy's API inside the cluster: its Service in its namespace. */
  public String proxyUrl() {
    return "http://"
        + ProxyNames.PROXY
        + "."
        + proxyNamespace
        + ".svc:"
        + ConfigKey.API_PORT.defaultValue();
  }
}

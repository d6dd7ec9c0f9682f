package dev.intercept.sidecar;

import dev.intercept.config.Config;
import dev.intercept.config.ConfigKey;
import dev.intercept.protocol.Names;
import java.util.List;

/** The sidecar's configuration, typed once. appName is empty for a plain forwarder. */
public record SidecarSettings(
    String listenHost,
    int listenPort,
    String appName,
    String appHost,
    int appPort,
    List<String> proxyUrls,
    int pollWaitSeconds,
    int routeTimeoutSeconds,
    int requestTimeoutSeconds,
    DataPlane dataPlane,
    String envoyConfigDir,
    String envoyBinary,
    int envoyAdminPort) {

  /** Which data plane serves the traffic. */
  public enum DataPlane {
    BUILTIN,
    ENVOY
  }

  /** Settings of the built-in plane with the other keys at their defaults (tests, embedding). */
  public static SidecarSettings builtin(
      String listenHost,
      int listenPort,
      String appName,
      String appHost,
      int appPort,
      List<String> proxyUrls,
      int pollWaitSeconds,
      int routeTimeoutSeconds,
      int requestTimeoutSeconds) {
    return new SidecarSettings(
        listenHost,
        listenPort,
        appName,
        appHost,
        appPort,
        proxyUrls,
        pollWaitSeconds,
        routeTimeoutSeconds,
        requestTimeoutSeconds,
        DataPlane.BUILTIN,
        "",
        "",
        9901);
  }

  public static SidecarSettings from(Config c) {
    String app = c.string(ConfigKey.APP_NAME);
    if (app != null && !app.isEmpty()) {
      try {
        Names.check("APPNAME", app);
      } catch (RuntimeException e) {
        throw new dev.intercept.config.ConfigException(e.getMessage());
      }
    }
    return new SidecarSettings(
            c.required(ConfigKey.LISTEN_HOST),
            c.port(ConfigKey.LISTEN_PORT),
            app == null ? "" : app,
            c.required(ConfigKey.APP_HOST),
            c.integer(ConfigKey.APP_PORT, 1, 65535),
            c.list(ConfigKey.PROXY_URL),
            c.integer(ConfigKey.POLL_WAIT_SECONDS, 1, 600),
            c.integer(ConfigKey.ROUTE_TIMEOUT_SECONDS, 1, 3600),
            c.integer(ConfigKey.REQUEST_TIMEOUT_SECONDS, 1, 600),
            dataPlane(c.required(ConfigKey.DATA_PLANE)),
            c.required(ConfigKey.ENVOY_CONFIG_DIR),
            c.string(ConfigKey.ENVOY_BINARY),
            c.port(ConfigKey.ENVOY_ADMIN_PORT))
        .check();
  }

  private SidecarSettings check() {
    if (dataPlane == DataPlane.ENVOY && listenPort == 0) {
      throw new dev.intercept.config.ConfigException(
          "listen-port 0 cannot be used with data-plane envoy: name the port"
              + " Envoy should listen on");
    }
    return this;
  }

  private static DataPlane dataPlane(String v) {
    return switch (v) {
      case "builtin" -> DataPlane.BUILTIN;
      case "envoy" -> DataPlane.ENVOY;
      default ->
          throw new dev.intercept.config.ConfigException(
              "data-plane must be 'builtin' or 'envoy', got '" + v + "'");
    };
  }

  public boolean intercepts() {
    return !appName.isEmpty();
  }
}

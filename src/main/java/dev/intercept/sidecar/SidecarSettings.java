package dev.intercept.sidecar;

import dev.intercept.config.Config;
import dev.intercept.config.ConfigException;
import dev.intercept.config.ConfigKey;
import java.net.URI;
import java.util.List;

/** The sidecar's configuration, typed once. appName is empty for a plain forwarder. */
public record SidecarSettings(
    String listenHost,
    int listenPort,
    String appName,
    String appHost,
    int appPort,
    List<URI> proxyUrls,
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

  public static SidecarSettings from(Config c) {
    DataPlane plane =
        c.get(ConfigKey.DATA_PLANE).equals("envoy") ? DataPlane.ENVOY : DataPlane.BUILTIN;
    if (plane == DataPlane.ENVOY && c.get(ConfigKey.LISTEN_PORT) == 0) {
      throw new ConfigException(
          "listen-port 0 cannot be used with data-plane envoy: name the port Envoy should listen"
              + " on");
    }
    return new SidecarSettings(
        c.get(ConfigKey.LISTEN_HOST),
        c.get(ConfigKey.LISTEN_PORT),
        c.get(ConfigKey.APP_NAME),
        c.get(ConfigKey.APP_HOST),
        c.get(ConfigKey.APP_PORT),
        c.get(ConfigKey.PROXY_URL),
        c.get(ConfigKey.POLL_WAIT_SECONDS),
        c.get(ConfigKey.ROUTE_TIMEOUT_SECONDS),
        c.get(ConfigKey.REQUEST_TIMEOUT_SECONDS),
        plane,
        c.get(ConfigKey.ENVOY_CONFIG_DIR),
        c.get(ConfigKey.ENVOY_BINARY),
        c.get(ConfigKey.ENVOY_ADMIN_PORT));
  }

  public boolean intercepts() {
    return !appName.isEmpty();
  }
}

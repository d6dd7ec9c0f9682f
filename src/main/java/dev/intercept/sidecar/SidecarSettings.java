package dev.intercept.sidecar;

import dev.intercept.config.Config;
import dev.intercept.config.ConfigKey;
import dev.intercept.protocol.Names;
import java.util.List;

/** The sidecar's configuration, typed once. appName is empty for a plain forwarder. */
public record SidecarSettings(String listenHost, int listenPort, String appName, String appHost, int appPort,
    List<String> proxyUrls, int pollWaitSeconds, int routeTimeoutSeconds, int requestTimeoutSeconds) {

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
        c.integer(ConfigKey.REQUEST_TIMEOUT_SECONDS, 1, 600));
  }

  public boolean intercepts() {
    return !appName.isEmpty();
  }
}

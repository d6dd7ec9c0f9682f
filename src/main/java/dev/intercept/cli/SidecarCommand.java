package dev.intercept.cli;

import dev.intercept.config.ConfigKey;
import dev.intercept.config.Role;
import dev.intercept.sidecar.SidecarRole;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "--role=sidecar",
    mixinStandardHelpOptions = true,
    description =
        "Sidecar in front of an app pod: serves the app's traffic, diverting intercepted requests.")
final class SidecarCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "JSON or YAML config file (see config/sidecar.yaml)")
  Path config;

  @Option(names = "--listen-host", description = "bind address (default 0.0.0.0)")
  String listenHost;

  @Option(names = "--listen-port", description = "data-plane port (default 9900; 0 = any)")
  Integer listenPort;

  @Option(
      names = "--app-name",
      description = "the app's name (env APPNAME); unset = plain forwarder")
  String appName;

  @Option(names = "--app-port", description = "the app's port on 127.0.0.1 (env APPPORT; required)")
  Integer appPort;

  @Option(names = "--app-host", description = "the app's host (default 127.0.0.1)")
  String appHost;

  @Option(
      names = "--proxy-url",
      paramLabel = "URL[,URL...]",
      description = "proxy API (default http://telepresence-proxy:8081)")
  String proxyUrl;

  @Option(names = "--poll-wait-seconds", description = "long-poll hold time (default 25)")
  Integer pollWaitSeconds;

  @Option(names = "--route-timeout-seconds", description = "upstream response timeout (default 15)")
  Integer routeTimeoutSeconds;

  @Option(
      names = "--request-timeout-seconds",
      description = "timeout of one call to the proxy (default 5)")
  Integer requestTimeoutSeconds;

  @Option(
      names = "--data-plane",
      paramLabel = "builtin|envoy",
      description = "data plane (default builtin)")
  String dataPlane;

  @Option(
      names = "--envoy-config-dir",
      description = "Envoy's config directory (default /etc/intercept/envoy)")
  String envoyConfigDir;

  @Option(
      names = "--envoy-binary",
      description = "envoy to run (default: envoy on PATH, else files only)")
  String envoyBinary;

  @Option(
      names = "--envoy-admin-port",
      description = "Envoy admin port on 127.0.0.1 (default 9901)")
  Integer envoyAdminPort;

  @Override
  public Integer call() {
    Map<ConfigKey, Object> f = new EnumMap<>(ConfigKey.class);
    f.put(ConfigKey.LISTEN_HOST, listenHost);
    f.put(ConfigKey.LISTEN_PORT, listenPort);
    f.put(ConfigKey.APP_NAME, appName);
    f.put(ConfigKey.APP_PORT, appPort);
    f.put(ConfigKey.APP_HOST, appHost);
    f.put(ConfigKey.PROXY_URL, proxyUrl);
    f.put(ConfigKey.POLL_WAIT_SECONDS, pollWaitSeconds);
    f.put(ConfigKey.ROUTE_TIMEOUT_SECONDS, routeTimeoutSeconds);
    f.put(ConfigKey.REQUEST_TIMEOUT_SECONDS, requestTimeoutSeconds);
    f.put(ConfigKey.DATA_PLANE, dataPlane);
    f.put(ConfigKey.ENVOY_CONFIG_DIR, envoyConfigDir);
    f.put(ConfigKey.ENVOY_BINARY, envoyBinary);
    f.put(ConfigKey.ENVOY_ADMIN_PORT, envoyAdminPort);
    return RoleLauncher.serve(Role.SIDECAR, config, f, SidecarRole::start);
  }
}

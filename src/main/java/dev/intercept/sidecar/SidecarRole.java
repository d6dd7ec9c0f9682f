package dev.intercept.sidecar;

import static dev.intercept.config.ConfigKey.APP_HOST;
import static dev.intercept.config.ConfigKey.APP_NAME;
import static dev.intercept.config.ConfigKey.APP_PORT;
import static dev.intercept.config.ConfigKey.APP_PROTOCOL;
import static dev.intercept.config.ConfigKey.DATA_PLANE;
import static dev.intercept.config.ConfigKey.ENVOY_ADMIN_PORT;
import static dev.intercept.config.ConfigKey.ENVOY_BINARY;
import static dev.intercept.config.ConfigKey.ENVOY_CONFIG_DIR;
import static dev.intercept.config.ConfigKey.LISTEN_HOST;
import static dev.intercept.config.ConfigKey.LISTEN_PORT;
import static dev.intercept.config.ConfigKey.MAX_REGEX_PROGRAM_SIZE;
import static dev.intercept.config.ConfigKey.METRICS_HOST;
import static dev.intercept.config.ConfigKey.METRICS_PORT;
import static dev.intercept.config.ConfigKey.PROXY_URL;
import static dev.intercept.config.ConfigKey.REQUEST_TIMEOUT_SECONDS;
import static dev.intercept.config.ConfigKey.ROUTE_TIMEOUT_SECONDS;
import static dev.intercept.config.ConfigKey.SIDECAR_TOKEN_FILE;
import static dev.intercept.config.ConfigKey.STATS_SECONDS;
import static dev.intercept.config.ConfigKey.TOKEN;

import dev.intercept.api.Credentials;
import dev.intercept.api.TokenFileCredentials;
import dev.intercept.config.Config;
import dev.intercept.config.ConfigException;
import dev.intercept.config.RoleHandle;
import dev.intercept.envoy.EnvoyConfigWriter;
import dev.intercept.envoy.EnvoyProcess;
import dev.intercept.envoy.EnvoyResources;
import dev.intercept.envoy.EnvoySupervisor;
import dev.intercept.protocol.HostPort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The sidecar role: a data plane (built-in router or Envoy), and the route watcher when APPNAME is
 * set.
 */
public final class SidecarRole {
  private SidecarRole() {}

  public static Future<RoleHandle> start(Vertx vertx, Config c) {
    boolean envoy = c.get(DATA_PLANE).equals("envoy");
    if (envoy && c.get(LISTEN_PORT) == 0) {
      return Future.failedFuture(
          new ConfigException(
              "listen-port 0 cannot be used with data-plane envoy: name the port Envoy should"
                  + " listen on"));
    }
    // what the data plane counts (or Envoy's counters, read), per route and for the app: shared by
    // the data plane, the reporter and /metrics
    RouteCounters counters = new RouteCounters();
    Future<String> plane =
        (envoy ? startEnvoy(vertx, c) : startBuiltin(vertx, c, counters))
            .compose(listening -> metrics(vertx, c, counters).map(m -> listening + m));
    String app = c.get(APP_NAME);
    return plane.compose(
        listening -> {
          System.out.println(
              "intercept sidecar: listening "
                  + listening
                  + " app="
                  + c.get(APP_HOST)
                  + ":"
                  + c.get(APP_PORT)
                  + (app.isEmpty()
                      ? ""
                      : " APPNAME=" + app + " proxy=" + Config.text(c.get(PROXY_URL))));
          System.out.println("intercept sidecar: config " + c.describe());
          if (app.isEmpty()) {
            System.out.println(
                "intercept sidecar: no APPNAME set: plain forwarder to the app, intercepts disabled");
            return Future.succeededFuture((RoleHandle) vertx::close);
          }
          Credentials credentials;
          try {
            credentials = credentials(vertx, c);
          } catch (IOException e) {
            return Future.failedFuture(
                new ConfigException(
                    "token-file "
                        + c.get(SIDECAR_TOKEN_FILE)
                        + " cannot be read: "
                        + e.getMessage()));
          }
          return vertx
              .deployVerticle(new RouteWatcher(c, credentials))
              .compose(x -> vertx.deployVerticle(new StatsReporter(c, credentials, counters)))
              .compose(
                  x ->
                      envoy
                          // Envoy counts; we read its counters into ours
                          ? vertx.deployVerticle(
                              new EnvoyStats(
                                  c.get(ENVOY_ADMIN_PORT),
                                  c.get(STATS_SECONDS),
                                  counters,
                                  EnvoyProcess.find(c.get(ENVOY_BINARY)) != null))
                          : Future.succeededFuture(x))
              .map(x -> (RoleHandle) vertx::close);
        });
  }

  /** /metrics on its own port when metrics-port is not -1: " metrics=HOST:PORT", else "". */
  private static Future<String> metrics(Vertx vertx, Config c, RouteCounters counters) {
    if (c.get(METRICS_PORT) < 0) {
      return Future.succeededFuture("");
    }
    MetricsServer m =
        new MetricsServer(
            c.get(METRICS_HOST),
            c.get(METRICS_PORT),
            c.get(APP_NAME),
            counters,
            counters::tableSize);
    return vertx
        .deployVerticle(m)
        .map(id -> " metrics=" + c.get(METRICS_HOST) + ":" + m.actualPort());
  }

  /** The sidecar's token: a file (a projected service-account token, re-read), else --token. */
  private static Credentials credentials(Vertx vertx, Config c) throws IOException {
    String file = c.get(SIDECAR_TOKEN_FILE);
    return file.isEmpty()
        ? Credentials.of(c.get(TOKEN))
        : TokenFileCredentials.watch(vertx, Path.of(file));
  }

  private static Future<String> startBuiltin(Vertx vertx, Config c, RouteCounters counters) {
    BuiltinRouter router = new BuiltinRouter(c, counters);
    return vertx
        .deployVerticle(router)
        .map(
            id ->
                "http="
                    + c.get(LISTEN_HOST)
                    + ":"
                    + router.actualPort()
                    + " data-plane=builtin ("
                    + router.transport()
                    + ")");
  }

  private static Future<String> startEnvoy(Vertx vertx, Config c) {
    EnvoyResources.Site site =
        new EnvoyResources.Site(
            c.get(LISTEN_HOST),
            c.get(LISTEN_PORT),
            new HostPort(c.get(APP_HOST), c.get(APP_PORT)),
            c.get(ROUTE_TIMEOUT_SECONDS),
            c.get(REQUEST_TIMEOUT_SECONDS),
            c.get(APP_PROTOCOL));
    String dir = c.get(ENVOY_CONFIG_DIR);
    int admin = c.get(ENVOY_ADMIN_PORT);
    EnvoyConfigWriter writer =
        new EnvoyConfigWriter(
            Path.of(dir), site, c.get(APP_NAME), admin, c.get(MAX_REGEX_PROGRAM_SIZE));
    Path binary = EnvoyProcess.find(c.get(ENVOY_BINARY));
    return vertx
        .deployVerticle(writer)
        .compose(
            id ->
                binary == null
                    ? Future.succeededFuture(id)
                    : vertx.deployVerticle(new EnvoySupervisor(binary, writer.bootstrap())))
        .map(
            id ->
                "http="
                    + site.listenHost()
                    + ":"
                    + site.listenPort()
                    + " data-plane=envoy config="
                    + dir
                    + (binary == null
                        ? " envoy=none (writing files only, for an Envoy in another container)"
                        : " envoy=" + binary + " admin=127.0.0.1:" + admin));
  }
}

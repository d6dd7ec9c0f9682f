package dev.intercept.sidecar;

import dev.intercept.config.Config;
import dev.intercept.config.RoleHandle;
import dev.intercept.envoy.EnvoyConfigWriter;
import dev.intercept.envoy.EnvoyProcess;
import dev.intercept.envoy.EnvoyResources;
import dev.intercept.envoy.EnvoySupervisor;
import dev.intercept.protocol.HostPort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * The sidecar role: a data plane (built-in router or Envoy), and the route watcher when APPNAME is
 * set.
 */
public final class SidecarRole {
  private SidecarRole() {}

  public static Future<RoleHandle> start(Vertx vertx, Config config) {
    SidecarSettings s = SidecarSettings.from(config);
    Future<String> plane =
        s.dataPlane() == SidecarSettings.DataPlane.ENVOY
            ? startEnvoy(vertx, s)
            : startBuiltin(vertx, s);
    return plane.compose(
        listening -> {
          System.out.println(
              "intercept sidecar: listening "
                  + listening
                  + " app="
                  + s.appHost()
                  + ":"
                  + s.appPort()
                  + (s.intercepts()
                      ? " APPNAME="
                          + s.appName()
                          + " proxy="
                          + s.proxyUrls().stream()
                              .map(URI::toString)
                              .collect(Collectors.joining(","))
                      : ""));
          System.out.println("intercept sidecar: config " + config.describe());
          if (!s.intercepts()) {
            System.out.println(
                "intercept sidecar: no APPNAME set: plain forwarder to the app, intercepts disabled");
            return Future.succeededFuture((RoleHandle) vertx::close);
          }
          return vertx.deployVerticle(new RouteWatcher(s)).map(x -> (RoleHandle) vertx::close);
        });
  }

  private static Future<String> startBuiltin(Vertx vertx, SidecarSettings s) {
    BuiltinRouter router = new BuiltinRouter(s);
    return vertx
        .deployVerticle(router)
        .map(id -> "http=" + s.listenHost() + ":" + router.actualPort() + " data-plane=builtin");
  }

  private static Future<String> startEnvoy(Vertx vertx, SidecarSettings s) {
    EnvoyResources.Site site =
        new EnvoyResources.Site(
            s.listenHost(),
            s.listenPort(),
            new HostPort(s.appHost(), s.appPort()),
            s.routeTimeoutSeconds(),
            s.requestTimeoutSeconds());
    EnvoyConfigWriter writer =
        new EnvoyConfigWriter(Path.of(s.envoyConfigDir()), site, s.appName(), s.envoyAdminPort());
    Path binary = EnvoyProcess.find(s.envoyBinary());
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
                    + s.listenHost()
                    + ":"
                    + s.listenPort()
                    + " data-plane=envoy config="
                    + s.envoyConfigDir()
                    + (binary == null
                        ? " envoy=none (writing files only, for an Envoy in another container)"
                        : " envoy=" + binary + " admin=127.0.0.1:" + s.envoyAdminPort()));
  }
}

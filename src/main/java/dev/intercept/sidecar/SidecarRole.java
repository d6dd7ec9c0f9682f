package dev.intercept.sidecar;

import dev.intercept.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.List;

/** The sidecar role: the built-in data plane, and the route watcher when APPNAME is set. */
public final class SidecarRole {
  private SidecarRole() {
  }

  public static Future<BuiltinRouter> start(Vertx vertx, Config config) {
    SidecarSettings s = SidecarSettings.from(config);
    List<URI> urls = config.httpUrls(dev.intercept.config.ConfigKey.PROXY_URL);
    BuiltinRouter router = new BuiltinRouter(s);
    return vertx.deployVerticle(router).compose(id -> {
      System.out.println("intercept sidecar: listening http=" + s.listenHost() + ":" + router.actualPort()
          + " app=" + s.appHost() + ":" + s.appPort() + " data-plane=builtin"
          + (s.intercepts() ? " APPNAME=" + s.appName() + " proxy=" + String.join(",", s.proxyUrls()) : ""));
      System.out.println("intercept sidecar: config " + config.describe());
      if (!s.intercepts()) {
        System.out.println("intercept sidecar: no APPNAME set: plain forwarder to the app, intercepts disabled");
        return Future.succeededFuture(router);
      }
      return vertx.deployVerticle(new RouteWatcher(s, urls)).map(x -> router);
    });
  }
}

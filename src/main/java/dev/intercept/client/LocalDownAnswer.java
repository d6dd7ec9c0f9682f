package dev.intercept.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * While nothing listens on the developer's port, matched requests are answered here, on the laptop,
 * with a 502 that says so (instead of a bare connection reset at the sidecar).
 */
final class LocalDownAnswer {
  private final HttpServer server;

  private LocalDownAnswer(HttpServer server) {
    this.server = server;
  }

  static Future<LocalDownAnswer> start(
      Vertx vertx, String app, String name, String host, int port) {
    String body =
        "intercept '"
            + name
            + "' of "
            + app
            + ": nothing is listening on "
            + host
            + ":"
            + port
            + " on the developer's machine (connection refused); start the app there, or run the client with"
            + " --fail-open-local to send these requests to the pods meanwhile\n";
    return vertx
        .createHttpServer()
        .requestHandler(
            req ->
                req.response()
                    .setStatusCode(502)
                    .putHeader("content-type", "text/plain")
                    .putHeader("x-intercept-local", "refused")
                    // not kept alive: once the app is up, the next request must reach it, not this
                    // page
                    .putHeader("connection", "close")
                    .end(body))
        .listen(0, "127.0.0.1")
        .map(LocalDownAnswer::new);
  }

  int port() {
    return server.actualPort();
  }

  void close() {
    server.close();
  }
}

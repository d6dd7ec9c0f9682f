package dev.intercept.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

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
            req -> {
              // the request's body is read (and dropped) before the answer: a connection closed
              // with unread bytes is reset, and a reset can destroy the answer before the other
              // end has read it
              req.handler(ignored -> {});
              req.exceptionHandler(e -> req.connection().close());
              req.endHandler(v -> answer(req, body));
            })
        .listen(0, "127.0.0.1")
        .map(LocalDownAnswer::new);
  }

  private static void answer(HttpServerRequest req, String body) {
    req.response()
        .setStatusCode(502)
        .putHeader("content-type", "text/plain")
        .putHeader("x-intercept-local", "refused")
        // not kept alive: once the app is up, the next request must reach it, not this page
        .putHeader("connection", "close")
        .end(body);
  }

  int port() {
    return server.actualPort();
  }

  void close() {
    server.close();
  }
}

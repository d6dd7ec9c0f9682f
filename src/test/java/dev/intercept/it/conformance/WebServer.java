package dev.intercept.it.conformance;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The app (or the laptop's copy of it) for the HTTP rows, a Vert.x server with h2c on: /echo names
 * the server, the protocol it was spoken to in and the connection, then streams the request body
 * back; /sse sends an event, and the next only once /sse-ack (sent to this server directly) says
 * the client has the last one; /ws is a WebSocket that names the server, then echoes.
 */
final class WebServer {
  final String name;
  private final HttpServer server;
  private final Map<HttpConnection, Integer> connections = new ConcurrentHashMap<>();
  private final AtomicInteger nextConnection = new AtomicInteger();
  private volatile HttpServerResponse sse;
  private final AtomicInteger sseSent = new AtomicInteger();

  private WebServer(Vertx vertx, String name) {
    this.name = name;
    this.server =
        vertx
            .createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
            .requestHandler(this::handle)
            .webSocketHandler(
                ws -> {
                  ws.writeTextMessage("served-by=" + name);
                  ws.textMessageHandler(m -> ws.writeTextMessage("echo:" + m));
                });
  }

  static WebServer start(Vertx vertx, String name) throws Exception {
    WebServer s = new WebServer(vertx, name);
    await(s.server.listen(0, "127.0.0.1"));
    return s;
  }

  int port() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest req) {
    switch (req.path()) {
      case "/sse" -> startEvents(req);
      case "/sse-ack" -> {
        HttpServerResponse stream = sse;
        int n = sseSent.incrementAndGet();
        if (stream != null) {
          if (n < 3) {
            stream.write("data: event " + n + "\n\n");
          } else {
            stream.end("data: event " + n + "\n\n");
          }
        }
        req.response().end("ok");
      }
      default -> echo(req);
    }
  }

  private void echo(HttpServerRequest req) {
    int conn = connections.computeIfAbsent(req.connection(), c -> nextConnection.incrementAndGet());
    HttpServerResponse resp = req.response().setChunked(true);
    resp.write(
        "served-by="
            + name
            + " proto="
            + req.version()
            + " conn="
            + conn
            + " method="
            + req.method()
            + "\n");
    req.handler(resp::write);
    req.endHandler(v -> resp.end());
  }

  private void startEvents(HttpServerRequest req) {
    sseSent.set(0);
    HttpServerResponse resp =
        req.response().setChunked(true).putHeader("content-type", "text/event-stream");
    sse = resp;
    resp.write("data: served-by=" + name + "\n\n");
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}

package dev.intercept.echo;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP echo server in the manner of jmalloc/echo-server: "Request served by NAME", the request
 * line, the headers (sorted), then the request body.
 */
public class EchoServer extends VerticleBase {
  private final String host;
  private final int port;
  private final String served;
  private HttpServer server;

  public EchoServer(String host, int port, String served) {
    this.host = host;
    this.port = port;
    this.served = served;
  }

  /** Graceful: in-flight requests finish (bounded), new connections are refused. */
  @Override
  public Future<?> stop() {
    return server.shutdown(10, TimeUnit.SECONDS);
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer().requestHandler(this::handle);
    return server.listen(port, host);
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest req) {
    // a test aid: x-echo-delay-ms holds the answer back (in-flight requests during shutdown,
    // timeouts)
    String delay = req.getHeader("x-echo-delay-ms");
    if (delay != null && delay.matches("\\d{1,6}")) {
      req.pause();
      vertx.setTimer(
          Math.max(1, Long.parseLong(delay)),
          t -> {
            req.resume();
            answer(req);
          });
      return;
    }
    answer(req);
  }

  private void answer(HttpServerRequest req) {
    StringBuilder head = new StringBuilder();
    head.append("Request served by ").append(served).append("\n\n");
    head.append(req.version() == HttpVersion.HTTP_1_0 ? "HTTP/1.0" : "HTTP/1.1")
        .append(' ')
        .append(req.method().name())
        .append(' ')
        .append(req.uri())
        .append("\n\n");
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (req.authority() != null) {
      headers.put("Host", req.authority().toString());
    }
    for (Map.Entry<String, String> h : req.headers()) {
      if (!h.getKey().equalsIgnoreCase("host")) {
        headers.merge(canonical(h.getKey()), h.getValue(), (a, b) -> a + "," + b);
      }
    }
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append('\n'));
    var resp = req.response().putHeader("Content-Type", "text/plain").setChunked(true);
    resp.write(Buffer.buffer(head.toString()));
    req.handler(
        chunk -> {
          resp.write(chunk);
          if (resp.writeQueueFull()) {
            req.pause();
            resp.drainHandler(v -> req.resume());
          }
        });
    req.endHandler(v -> resp.end());
  }

  /** x-request-id -> X-Request-Id, as Go's net/http prints header names. */
  static String canonical(String name) {
    StringBuilder b = new StringBuilder(name.length());
    boolean upper = true;
    for (char c : name.toCharArray()) {
      b.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
      upper = c == '-';
    }
    return b.toString();
  }
}

package dev.intercept.sidecar;

import dev.intercept.protocol.Hits;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.ToLongFunction;

/**
 * The sidecar's Prometheus metrics, on their own port (never the app's traffic port), in the text
 * format written by hand: a few counters do not need a metrics library in every pod's memory.
 */
final class MetricsServer extends VerticleBase {
  private final String host;
  private final int port;
  private final String app;
  private final RouteCounters counters;
  private final IntSupplier routes;
  private HttpServer server;

  MetricsServer(String host, int port, String app, RouteCounters counters, IntSupplier routes) {
    this.host = host;
    this.port = port;
    this.app = app;
    this.counters = counters;
    this.routes = routes;
  }

  @Override
  public Future<?> start() {
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  if (!req.path().equals("/metrics")) {
                    req.response().setStatusCode(404).end("not found: try /metrics\n");
                    return;
                  }
                  req.response()
                      .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                      .end(render());
                });
    return server.listen(port, host);
  }

  int actualPort() {
    return server.actualPort();
  }

  String render() {
    Map<String, Hits> all = counters.snapshot();
    StringBuilder b = new StringBuilder(512);
    family(
        b,
        "intercept_sidecar_requests_total",
        "counter",
        "Requests the data plane routed, by target",
        all,
        Hits::requests);
    family(
        b,
        "intercept_sidecar_request_body_bytes_total",
        "counter",
        "Request body bytes passed on, by target",
        all,
        Hits::bytesIn);
    family(
        b,
        "intercept_sidecar_response_body_bytes_total",
        "counter",
        "Response body bytes passed back, by target",
        all,
        Hits::bytesOut);
    family(
        b,
        "intercept_sidecar_errors_total",
        "counter",
        "Requests the sidecar answered with an error itself (502, 503, 504), by target",
        all,
        Hits::errors);
    histogram(b);
    b.append("# HELP intercept_sidecar_routes Intercept routes in the data plane's table\n")
        .append("# TYPE intercept_sidecar_routes gauge\n")
        .append("intercept_sidecar_routes{app=\"")
        .append(app)
        .append("\"} ")
        .append(routes.getAsInt())
        .append('\n');
    return b.toString();
  }

  private void histogram(StringBuilder b) {
    String name = "intercept_sidecar_request_duration_seconds";
    b.append("# HELP ")
        .append(name)
        .append(" Time from a request's head to its answer's head (or the sidecar's own error)\n");
    b.append("# TYPE ").append(name).append(" histogram\n");
    counters
        .all()
        .forEach(
            (route, c) -> {
              String labels =
                  "app=\""
                      + app
                      + "\",target=\""
                      + (route.isEmpty() ? "app" : "intercept")
                      + "\",intercept=\""
                      + route
                      + "\"";
              long[] cum = c.cumulative();
              for (int i = 0; i < cum.length; i++) {
                String le =
                    i < RouteCounters.BOUNDS.length
                        ? Double.toString(RouteCounters.BOUNDS[i])
                        : "+Inf";
                b.append(name)
                    .append("_bucket{")
                    .append(labels)
                    .append(",le=\"")
                    .append(le)
                    .append("\"} ")
                    .append(cum[i])
                    .append('\n');
              }
              b.append(name)
                  .append("_sum{")
                  .append(labels)
                  .append("} ")
                  .append(c.answeredSeconds())
                  .append('\n');
              b.append(name)
                  .append("_count{")
                  .append(labels)
                  .append("} ")
                  .append(cum[cum.length - 1])
                  .append('\n');
            });
  }

  private void family(
      StringBuilder b,
      String name,
      String type,
      String help,
      Map<String, Hits> all,
      ToLongFunction<Hits> value) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    all.forEach(
        (route, h) ->
            b.append(name)
                .append("{app=\"")
                .append(app)
                .append("\",target=\"")
                .append(route.isEmpty() ? "app" : "intercept")
                .append("\",intercept=\"")
                .append(route)
                .append("\"} ")
                .append(value.applyAsLong(h))
                .append('\n'));
  }
}

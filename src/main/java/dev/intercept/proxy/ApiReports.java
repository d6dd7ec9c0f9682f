package dev.intercept.proxy;

import dev.intercept.protocol.Names;
import dev.intercept.proxy.access.Action;
import dev.intercept.proxy.access.Authorizer;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * What is reported to and by the proxy: sidecars' counts per intercept ({@code POST
 * /api/v1/apps/APP/stats}) and the proxy's Prometheus metrics ({@code GET /metrics}, authenticated
 * like the API: a scraper's token needs list on every app), with the gauges of the long-polls and
 * the status page's streams.
 */
final class ApiReports {
  private final Authorizer authorizer;
  private final InterceptStats stats;
  private final ProxyMetrics metrics;

  ApiReports(Authorizer authorizer, InterceptStats stats, ProxyMetrics metrics) {
    this.authorizer = authorizer;
    this.stats = stats;
    this.metrics = metrics;
  }

  void mount(
      Router r,
      Handler<RoutingContext> authenticate,
      RoutePolls polls,
      PollCapacity capacity,
      EventStream events) {
    r.post("/api/v1/apps/:app/stats").handler(this::stats);
    r.get("/metrics").handler(authenticate).handler(this::metrics);
    metrics.gauge(
        "intercept_route_polls_waiting",
        "Sidecar route long-polls waiting on this replica",
        polls::waiting);
    metrics.gauge(
        "intercept_route_polls_limit",
        "Most sidecar route long-polls this replica holds at once (derived or max-waiters)",
        capacity::limit);
    metrics.counter(
        "intercept_route_polls_refused_total",
        "Sidecar route long-polls refused with 503 and Retry-After (over the limit)",
        polls,
        RoutePolls::refused);
    polls.onFanOut(metrics::fanOut);
    metrics.gauge(
        "intercept_event_streams", "Status-page event streams open on this replica", events::open);
  }

  /** A sidecar's counts per route (its running totals). */
  private void stats(RoutingContext ctx) {
    String app = Names.check("app", ctx.pathParam("app"));
    JsonObject report = ApiInsight.json(RequestBody.of(ctx));
    authorizer
        .check(ApiServer.who(ctx), Action.POLL_ROUTES, app)
        .compose(v -> stats.record(app, report))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void metrics(RoutingContext ctx) {
    authorizer
        .check(ApiServer.who(ctx), Action.LIST, "")
        .onSuccess(
            v ->
                ctx.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(metrics.scrape()))
        .onFailure(ctx::fail);
  }
}

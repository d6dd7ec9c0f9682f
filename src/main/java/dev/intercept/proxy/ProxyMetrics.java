package dev.intercept.proxy;

import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.Intercept;
import dev.intercept.retry.Periodic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The proxy's Prometheus metrics ({@code GET /metrics}, docs/metrics.md): API requests by route and
 * status with a latency histogram, registrations created and refused by reason, leases that lapsed,
 * intercepts by app and tunnel state, route long-polls and status-page streams waiting on this
 * replica, cluster members, and the JVM's. Names follow Prometheus' conventions: an {@code
 * intercept_} prefix, base units, {@code _total} counters.
 */
public final class ProxyMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MultiGauge intercepts;
  private Timer fanOut;
  private final Supplier<Future<List<Intercept>>> list;

  public ProxyMetrics(
      Vertx vertx, IntSupplier clusterMembers, Supplier<Future<List<Intercept>>> list) {
    this.list = list;
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    Gauge.builder("intercept_cluster_members", clusterMembers::getAsInt)
        .description("Proxy replicas in the cluster, as this replica sees it")
        .register(registry);
    intercepts =
        MultiGauge.builder("intercept_intercepts")
            .description("Intercepts registered, by app and tunnel state (up: routed)")
            .register(registry);
    vertx.eventBus().consumer(BusAddresses.INTERCEPTS_CHANGED, m -> refresh());
    vertx.setPeriodic(5_000, Periodic.onTimer("intercept gauges", this::refresh));
    refresh();
  }

  /** A gauge read when scraped (waiting polls, open streams, ...). */
  void gauge(String name, String description, IntSupplier value) {
    Gauge.builder(name, value::getAsInt).description(description).register(registry);
  }

  /**
   * A counter read from {@code state} when scraped (polls refused, ...). Micrometer holds {@code
   * state} weakly: it must be an object its owner keeps, never a lambda made for the call.
   */
  <T> void counter(String name, String description, T state, ToDoubleFunction<T> value) {
    FunctionCounter.builder(name, state, value).description(description).register(registry);
  }

  /** Times every API request by method, route template and status. */
  void timeRequests(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(
        v -> {
          Route route = ctx.currentRoute();
          String path = route == null || route.getPath() == null ? "other" : route.getPath();
          timed(ctx.request().method().name(), path, ctx.response().getStatusCode(), start);
        });
    ctx.next();
  }

  /**
   * A route change answered to the app's waiting polls: ms from the change (its version) to the
   * last answer written. Median, p99 and max over the last two minutes.
   */
  void fanOut(long ms) {
    if (fanOut == null) {
      fanOut =
          Timer.builder("intercept_route_fanout_seconds")
              .description(
                  "From a route change to the last of its app's waiting long-polls answered")
              .publishPercentiles(0.5, 0.99)
              .distributionStatisticExpiry(Duration.ofMinutes(2))
              .register(registry);
    }
    fanOut.record(Math.max(0, ms), TimeUnit.MILLISECONDS);
  }

  /** One API request answered: by method, route template and status, since {@code startNanos}. */
  void timed(String method, String route, int status, long startNanos) {
    Timer.builder("intercept_api_request_duration_seconds")
        .description("Proxy API requests, by method, route and status")
        .tags("method", method, "route", route, "status", Integer.toString(status))
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry)
        .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  /** A registration's outcome: created, or refused with the API's code. */
  void registration(Throwable refused) {
    String reason = refused == null ? "" : refused instanceof ApiFailure f ? f.code() : "internal";
    Counter.builder("intercept_registrations_total")
        .description("Intercept registrations, created or refused (by the API's reason code)")
        .tags("result", refused == null ? "created" : "refused", "reason", reason)
        .register(registry)
        .increment();
  }

  /** Leases that lapsed (the client stopped renewing): counted by the replica that reaped them. */
  void leasesExpired(int n) {
    Counter.builder("intercept_leases_expired_total")
        .description("Intercepts removed because their lease lapsed")
        .register(registry)
        .increment(n);
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  private void refresh() {
    list.get()
        .onSuccess(
            all -> {
              Map<List<String>, Integer> counts =
                  new TreeMap<>((a, b) -> String.join("/", a).compareTo(String.join("/", b)));
              all.forEach(
                  i ->
                      counts.merge(
                          List.of(i.app(), i.tunnel() == null ? "down" : "up"), 1, Integer::sum));
              List<MultiGauge.Row<?>> rows = new ArrayList<>();
              counts.forEach(
                  (k, n) ->
                      rows.add(MultiGauge.Row.of(Tags.of("app", k.get(0), "tunnel", k.get(1)), n)));
              intercepts.register(rows, true);
            });
  }
}

package dev.intercept.sidecar;

import static dev.intercept.envoy.EnvoyResources.APP_CLUSTER;
import static dev.intercept.envoy.EnvoyResources.APP_ROUTE;
import static dev.intercept.envoy.EnvoyResources.VHOST;
import static dev.intercept.envoy.EnvoyResources.clusterName;
import static dev.intercept.envoy.EnvoyResources.routeName;

import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.Route;
import dev.intercept.protocol.RouteTable;
import dev.intercept.retry.Backoff;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Envoy plane's hits: reads Envoy's counters from its admin ({@code GET /stats}, loopback)
 * every stats-seconds and adds what grew since the last read to {@link RouteCounters}, so the
 * reporter and /metrics serve them as the built-in plane's. Per route (its {@code stat_prefix}):
 * {@code upstream_rq_total} are the requests, {@code upstream_rq_timeout} errors; per cluster (one
 * per tunnel target, and the app's): bytes sent and received on its connections (heads included:
 * Envoy counts no body bytes per route) and {@code upstream_rq_pending_failure_eject} (requests
 * failed for want of a connection) errors. A counter that went down means Envoy restarted: its
 * value is all new. An Envoy we did not start (another container) may have counted before we came:
 * its first read is a baseline, not hits.
 */
final class EnvoyStats extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EnvoyStats.class);

  /** The counters read, as Envoy's admin filter (a regex searched in each stat's name). */
  static final String FILTER =
      "^(vhost\\."
          + VHOST
          + "\\.route\\.[^.]+\\.upstream_rq_(total|timeout)"
          + "|cluster\\..+\\.upstream_(cx_rx_bytes_total|cx_tx_bytes_total"
          + "|rq_pending_failure_eject))$";

  private final int adminPort;
  private final long everyMs;
  private final RouteCounters counters;
  private final boolean ourEnvoy;
  private final Backoff backoff;
  private HttpClient http;
  private RouteTable table = RouteTable.empty("");
  private Map<String, Long> last;
  private boolean failing;
  private boolean stopped;

  /** {@code ourEnvoy}: this sidecar started Envoy, so everything it counted is ours to report. */
  EnvoyStats(int adminPort, int everySeconds, RouteCounters counters, boolean ourEnvoy) {
    this.adminPort = adminPort;
    this.everyMs = everySeconds * 1000L;
    this.counters = counters;
    this.ourEnvoy = ourEnvoy;
    this.backoff = new Backoff(everyMs, 60_000);
  }

  @Override
  public Future<?> start() {
    http = vertx.createHttpClient();
    vertx
        .eventBus()
        .<JsonObject>localConsumer(
            BusAddresses.ROUTES_UPDATED, m -> table = RouteTable.fromJson(m.body()));
    vertx.setTimer(everyMs, t -> read());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return http.close();
  }

  private void read() {
    if (stopped) {
      return;
    }
    RequestOptions o =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("127.0.0.1")
            .setPort(adminPort)
            .setURI("/stats?filter=" + URLEncoder.encode(FILTER, StandardCharsets.UTF_8))
            .setConnectTimeout(everyMs)
            .setIdleTimeout(everyMs);
    http.request(o)
        .compose(req -> req.send())
        .compose(
            resp ->
                resp.statusCode() == 200
                    ? resp.body()
                    : Future.failedFuture("HTTP " + resp.statusCode() + " from Envoy's admin"))
        .onComplete(
            ar -> {
              long next;
              if (ar.succeeded()) {
                if (failing) {
                  LOG.info("Envoy's stats answer again: counting hits");
                  failing = false;
                }
                backoff.reset();
                take(table, parse(ar.result().toString(StandardCharsets.UTF_8)));
                next = everyMs;
              } else {
                if (!failing) {
                  LOG.warn(
                      "cannot read Envoy's stats at 127.0.0.1:{} ({}): no hits counted until it"
                          + " answers",
                      adminPort,
                      ar.cause().getMessage());
                  failing = true;
                }
                next = Math.max(everyMs, backoff.next(ar.cause()));
              }
              if (!stopped) {
                vertx.setTimer(next, t -> read());
              }
            });
  }

  /** Envoy's text stats ({@code name: value} a line) as numbers; histograms and others skipped. */
  static Map<String, Long> parse(String text) {
    Map<String, Long> m = new HashMap<>();
    for (String line : text.split("\n")) {
      int colon = line.lastIndexOf(": ");
      if (colon > 0) {
        try {
          m.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 2).trim()));
        } catch (NumberFormatException e) {
          // a histogram's summary, not a counter
        }
      }
    }
    return m;
  }

  /** Adds what grew since the last read to the routes of {@code table} and to the app. */
  void take(RouteTable table, Map<String, Long> now) {
    if (last == null && !ourEnvoy) {
      last = now;
      return;
    }
    Map<String, Long> before = last == null ? Map.of() : last;
    for (Route r : table.routes()) {
      add(counters.route(r.name()), routeName(r.name()), clusterName(r.target()), before, now);
    }
    add(counters.app(), APP_ROUTE, APP_CLUSTER, before, now);
    last = now;
  }

  private static void add(
      RouteCounters.Counts to,
      String route,
      String cluster,
      Map<String, Long> before,
      Map<String, Long> now) {
    String r = "vhost." + VHOST + ".route." + route + ".upstream_rq_";
    String c = "cluster." + cluster + ".upstream_";
    to.add(
        grew(before, now, r + "total"),
        grew(before, now, c + "cx_tx_bytes_total"),
        grew(before, now, c + "cx_rx_bytes_total"),
        grew(before, now, r + "timeout") + grew(before, now, c + "rq_pending_failure_eject"));
  }

  /** How much counter {@code name} grew; all of it when new or lower than before (a restart). */
  private static long grew(Map<String, Long> before, Map<String, Long> now, String name) {
    Long v = now.get(name);
    if (v == null) {
      return 0;
    }
    Long b = before.get(name);
    return b == null || v < b ? v : v - b;
  }
}

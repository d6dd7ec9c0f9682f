package dev.intercept.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Pattern;
import dev.intercept.protocol.Hits;
import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.Matcher;
import dev.intercept.protocol.Route;
import dev.intercept.protocol.RouteTable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How Envoy's counters become hits: which stats are read, what grew, restarts, and the first read
 * of an Envoy we did not start. The stat names are those Envoy derives from the config we write
 * (vhost "intercept", route stat_prefix "intercept-NAME" or "app", clusters by target).
 */
class EnvoyStatsTest {
  private static final RouteTable TABLE =
      new RouteTable(
          "myapp",
          1,
          List.of(
              new Route(
                  "test",
                  List.of(Matcher.of(":path", ".*ark3.*")),
                  new HostPort("127.0.0.1", 40123))));
  private static final String ROUTE = "vhost.intercept.route.intercept-test.upstream_rq_";
  private static final String CLUSTER = "cluster.tunnel-127.0.0.1-40123.upstream_";
  private static final String APP = "vhost.intercept.route.app.upstream_rq_total";

  private static Map<String, Long> stats(
      long requests, long timeouts, long tx, long rx, long ejected, long app) {
    return Map.of(
        ROUTE + "total",
        requests,
        ROUTE + "timeout",
        timeouts,
        CLUSTER + "cx_tx_bytes_total",
        tx,
        CLUSTER + "cx_rx_bytes_total",
        rx,
        CLUSTER + "rq_pending_failure_eject",
        ejected,
        APP,
        app);
  }

  @Test
  void envoysTextStatsParseCountersAndSkipHistograms() {
    Map<String, Long> m =
        EnvoyStats.parse(
            "vhost.intercept.route.intercept-test.upstream_rq_total: 12\n"
                + "cluster.tunnel-127.0.0.1-40123.upstream_cx_rx_bytes_total: 4096\n"
                + "vhost.intercept.route.app.upstream_rq_time: P0(nan,1) P25(nan,1.025)\n"
                + "garbage\n");
    assertEquals(Map.of(ROUTE + "total", 12L, CLUSTER + "cx_rx_bytes_total", 4096L), m);
  }

  @Test
  void theFilterTakesTheRoutesAndClustersCountersAndNothingElse() {
    Pattern filter = Pattern.compile(EnvoyStats.FILTER);
    for (String wanted : stats(0, 0, 0, 0, 0, 0).keySet()) {
      assertTrue(filter.matcher(wanted).find(), wanted);
    }
    for (String other :
        List.of(
            "vhost.intercept.route.app.upstream_rq_2xx",
            "cluster.app.upstream_rq_total",
            "http.intercept.downstream_rq_total",
            "cluster.app.upstream_cx_rx_bytes_buffered")) {
      assertFalse(filter.matcher(other).find(), other);
    }
  }

  @Test
  void whatGrewIsAddedPerRouteAndARestartCountsFromZero() {
    RouteCounters counters = new RouteCounters();
    EnvoyStats s = new EnvoyStats(9901, 1, counters, true);
    s.take(TABLE, stats(3, 1, 300, 900, 0, 10));
    assertEquals(new Hits(3, 300, 900, 1, 0), counts(counters.route("test").hits()));
    assertTrue(counters.route("test").hits().lastAt() > 0, "the last hit is now");
    assertEquals(10, counters.app().hits().requests());

    s.take(TABLE, stats(5, 1, 500, 1500, 2, 15));
    assertEquals(new Hits(5, 500, 1500, 3, 0), counts(counters.route("test").hits()));
    assertEquals(15, counters.app().hits().requests());

    // Envoy restarted: its counters start again from zero
    s.take(TABLE, stats(2, 0, 200, 600, 0, 4));
    assertEquals(new Hits(7, 700, 2100, 3, 0), counts(counters.route("test").hits()));
    assertEquals(19, counters.app().hits().requests());
  }

  @Test
  void anEnvoyWeDidNotStartCountedBeforeUsItsFirstReadIsOnlyABaseline() {
    RouteCounters counters = new RouteCounters();
    EnvoyStats s = new EnvoyStats(9901, 1, counters, false);
    s.take(TABLE, stats(40, 2, 4000, 9000, 1, 100));
    assertEquals(0, counters.route("test").hits().requests());
    assertEquals(0, counters.app().hits().requests());
    s.take(TABLE, stats(42, 2, 4200, 9600, 1, 101));
    assertEquals(new Hits(2, 200, 600, 0, 0), counts(counters.route("test").hits()));
    assertEquals(1, counters.app().hits().requests());
  }

  @Test
  void aRouteThatIsNotInTheTableIsNotCounted() {
    RouteCounters counters = new RouteCounters();
    EnvoyStats s = new EnvoyStats(9901, 1, counters, true);
    s.take(RouteTable.empty("myapp"), stats(3, 0, 300, 900, 0, 10));
    assertEquals(Map.of(), counters.report().getMap());
    assertEquals(10, counters.app().hits().requests());
  }

  /** The counts without the last hit's time. */
  private static Hits counts(Hits h) {
    return new Hits(h.requests(), h.bytesIn(), h.bytesOut(), h.errors(), 0);
  }
}

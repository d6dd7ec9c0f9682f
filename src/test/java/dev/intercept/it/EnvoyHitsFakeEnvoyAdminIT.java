package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.sun.net.httpserver.HttpServer;
import dev.intercept.TestWait;
import dev.intercept.envoy.EnvoyProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Envoy plane's hits, end to end but for Envoy itself, which cannot be installed here: a real
 * proxy, a real sidecar with {@code --data-plane envoy} (writing Envoy's files, no Envoy binary)
 * and a real client's intercept; Envoy's admin is FAKED by a loopback server answering {@code GET
 * /stats?filter=...} as Envoy does (text, {@code name: value}, the filter a regex searched in each
 * name) from counters the test sets, named as Envoy names them for the config the sidecar wrote.
 * The hits must reach the proxy's API and the sidecar's /metrics; a restart of Envoy (counters
 * lower) must add, not subtract.
 */
class EnvoyHitsFakeEnvoyAdminIT {
  private final Roles started = new Roles();
  private HttpServer admin;
  private final Map<String, Long> counters = new ConcurrentHashMap<>();
  private final AtomicInteger reads = new AtomicInteger();

  @AfterEach
  void stop() {
    started.close();
    if (admin != null) {
      admin.stop(0);
    }
  }

  private int fakeAdmin() throws IOException {
    admin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    admin.createContext(
        "/stats",
        ex -> {
          String q = ex.getRequestURI().getRawQuery();
          Pattern filter =
              Pattern.compile(
                  q != null && q.startsWith("filter=")
                      ? URLDecoder.decode(q.substring(7), StandardCharsets.UTF_8)
                      : "");
          StringBuilder b = new StringBuilder();
          new TreeMap<>(counters)
              .forEach(
                  (k, v) -> {
                    if (filter.matcher(k).find()) {
                      b.append(k).append(": ").append(v).append('\n');
                    }
                  });
          // what Envoy also prints: a histogram's summary line, which is no counter
          b.append("vhost.intercept.route.app.upstream_rq_time: P0(nan,1) P50(nan,2)\n");
          byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
          }
          reads.incrementAndGet();
        });
    admin.start();
    return admin.getAddress().getPort();
  }

  @Test
  void envoysCountersBecomeTheInterceptsHitsAtTheProxyAndOnTheSidecarsMetrics(@TempDir Path dir)
      throws Exception {
    assumeTrue(EnvoyProcess.find("") == null, "an Envoy is installed: the sidecar would start it");
    // what an Envoy that ran before this sidecar counted: a baseline, not hits
    counters.put("vhost.intercept.route.app.upstream_rq_total", 100L);
    counters.put("http.intercept.downstream_rq_total", 100L);
    int port = fakeAdmin();
    SeedSetup seed =
        SeedSetup.start(
            started,
            4,
            "--data-plane",
            "envoy",
            "--listen-port",
            Http.freePorts(1),
            "--envoy-config-dir",
            dir.toString(),
            "--envoy-admin-port",
            Integer.toString(port),
            "--stats-seconds",
            "1",
            "--metrics-port",
            "0");
    int metrics = started.last().port("metrics");
    TestWait.until(() -> reads.get() >= 1, 10_000, "the sidecar to read Envoy's stats");

    RoleProcess alice = seed.intercept(started, "alice", "test", ".*ark3.*");
    alice.awaitLine("^T: Intercept is running", 30_000);
    Path lds = dir.resolve("lds.yaml");
    TestWait.until(() -> read(lds).contains("intercept-test"), 10_000, "test's route in Envoy's");
    assertTrue(read(lds).contains("stat_prefix: intercept-test"), read(lds));
    Matcher m = Pattern.compile("tunnel-127\\.0\\.0\\.1-\\d+").matcher(read(lds));
    assertTrue(m.find(), "test's cluster");
    String route = "vhost.intercept.route.intercept-test.upstream_rq_";
    String cluster = "cluster." + m.group() + ".upstream_";

    // Envoy takes 3 requests through test's tunnel, one timing out, and 10 to the app
    envoyCounted(route, cluster, 3, 1, 300, 900, 110);
    TestWait.until(
        () -> MetricsIT.listedHits(seed).getLong("requests", 0L) == 3, 10_000, "3 hits listed");
    JsonObject h = MetricsIT.listedHits(seed);
    assertEquals(300, h.getLong("bytesIn"));
    assertEquals(900, h.getLong("bytesOut"));
    assertEquals(1, h.getLong("errors"));
    assertTrue(h.getLong("lastAt") > 0);

    // Envoy restarted (its counters from zero) and took 2 more
    envoyCounted(route, cluster, 2, 0, 200, 600, 4);
    TestWait.until(
        () -> MetricsIT.listedHits(seed).getLong("requests", 0L) == 5, 10_000, "5 hits listed");
    h = MetricsIT.listedHits(seed);
    assertEquals(500, h.getLong("bytesIn"));
    assertEquals(1500, h.getLong("bytesOut"));
    assertEquals(1, h.getLong("errors"));

    JsonArray samples = MetricsIT.parse(Http.get(metrics, "/metrics").body());
    assertEquals(
        5,
        MetricsIT.value(
            samples,
            "intercept_sidecar_requests_total",
            Map.of("target", "intercept", "intercept", "test")));
    assertEquals(
        14, MetricsIT.value(samples, "intercept_sidecar_requests_total", Map.of("target", "app")));
    alice.signal("INT");
    assertEquals(0, alice.awaitExit(15_000));
  }

  /** What the fake Envoy has counted since it started, for test's route and cluster and the app. */
  private void envoyCounted(
      String route, String cluster, long requests, long timeouts, long tx, long rx, long app) {
    counters.put(route + "total", requests);
    counters.put(route + "timeout", timeouts);
    counters.put(cluster + "cx_tx_bytes_total", tx);
    counters.put(cluster + "cx_rx_bytes_total", rx);
    counters.put("vhost.intercept.route.app.upstream_rq_total", app);
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      return "";
    }
  }
}

package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.intercept.TestWait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy's {@code /metrics} as Prometheus reads it: scraped from a real proxy process
 * (--auth=token-file), parsed by the reference client's text-format parser (Debian's
 * python3-prometheus-client, installed by .ci/run), counters moving with real traffic, names by
 * Prometheus' conventions.
 */
class MetricsIT {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private final Roles started = new Roles();

  @AfterEach
  void stop() {
    started.close();
  }

  /** Every sample of a scrape, parsed: {family, type, name, labels, value}. */
  static JsonArray parse(String text) throws Exception {
    Process p =
        new ProcessBuilder(PYTHON.toString(), "-c", script()).redirectErrorStream(false).start();
    p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "the parser refused the scrape: " + err);
    return new JsonArray(out);
  }

  private static String script() throws Exception {
    try (InputStream in = MetricsIT.class.getResourceAsStream("/prometheus-parse.py")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The sum of the samples named {@code name} whose labels include {@code labels}. */
  static double value(JsonArray samples, String name, Map<String, String> labels) {
    double sum = 0;
    for (Object o : samples) {
      JsonObject s = (JsonObject) o;
      JsonObject l = s.getJsonObject("labels");
      if (s.getString("name").equals(name)
          && labels.entrySet().stream()
              .allMatch(e -> e.getValue().equals(l.getString(e.getKey())))) {
        sum += s.getDouble("value");
      }
    }
    return sum;
  }

  @Test
  void theProxysMetricsParseFollowTheConventionsAndMoveWithTraffic() throws Exception {
    assumeTrue(
        Files.isExecutable(PYTHON), "python3 with prometheus_client missing (.ci/run installs it)");
    SeedSetup seed = SeedSetup.start(started, 4);
    assertEquals(401, Http.get(seed.api(), "/metrics").status());
    TestWait.until(
        () -> {
          try {
            return value(parse(scrape(seed)), "intercept_route_polls_waiting", Map.of()) >= 1;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        10_000,
        "the sidecar's long-poll to wait");
    JsonArray before = parse(scrape(seed));
    assertEquals(1, value(before, "intercept_cluster_members", Map.of()));

    RoleProcess alice = seed.intercept(started, "alice", "test", ".*ark3.*");
    alice.awaitLine("^T: Intercept is running", 30_000);
    RoleProcess bob = seed.intercept(started, "bob", "wide", "/ark.*");
    assertEquals(1, bob.awaitExit(30_000), "an overlap is refused");

    JsonArray after = parse(scrape(seed));
    String created = "intercept_registrations_total";
    assertEquals(
        value(before, created, Map.of("result", "created")) + 1,
        value(after, created, Map.of("result", "created")));
    assertEquals(
        value(before, created, Map.of("reason", "overlap")) + 1,
        value(after, created, Map.of("result", "refused", "reason", "overlap")));
    assertEquals(1, value(after, "intercept_intercepts", Map.of("app", "myapp", "tunnel", "up")));
    String put = "intercept_api_request_duration_seconds_count";
    Map<String, String> route =
        Map.of("method", "PUT", "route", "/api/v1/apps/:app/intercepts/:name", "status", "201");
    assertTrue(value(after, put, route) >= 1, "PUT timed");
    assertTrue(
        value(after, "intercept_api_request_duration_seconds_bucket", route) >= 1, "histogram");

    // conventions: our names carry the prefix, counters end in _total, durations in _seconds
    for (Object o : after) {
      JsonObject s = (JsonObject) o;
      String name = s.getString("name");
      if (!name.startsWith("intercept_")) {
        continue;
      }
      if (s.getString("type").equals("counter")) {
        assertTrue(name.endsWith("_total") || name.endsWith("_created"), name);
      }
      if (name.contains("duration")) {
        assertTrue(name.contains("_seconds"), name);
      }
    }
    alice.signal("INT");
    assertEquals(0, alice.awaitExit(15_000));
  }

  @Test
  void theSidecarCountsPerInterceptReportsToTheProxyAndServesMetricsOnItsOwnPort()
      throws Exception {
    assumeTrue(
        Files.isExecutable(PYTHON), "python3 with prometheus_client missing (.ci/run installs it)");
    SeedSetup seed = SeedSetup.start(started, 4, "--metrics-port", "0", "--stats-seconds", "1");
    int metrics = started.last().port("metrics");
    RoleProcess alice = seed.intercept(started, "alice", "test", ".*ark3.*");
    alice.awaitLine("^T: Intercept is running", 30_000);
    TestWait.until(
        () -> served(seed, "/ark3").equals("container_on_laptop"), 5_000, "alice's route");
    for (int i = 0; i < 3; i++) {
      assertEquals("container_on_laptop", served(seed, "/ark3/" + i));
    }
    // the client says each request it served (issue 14's T: lines), from the tunnel's bytes
    alice.awaitLine("^T: GET /ark3/2 → localhost:" + seed.laptop() + " 200 \\d+ ms$", 10_000);
    // /metrics on the traffic port is the app's, not ours
    assertEquals("the-app-pod", served(seed, "/metrics"));

    TestWait.until(
        () -> listedHits(seed).getLong("requests", 0L) >= 4,
        10_000,
        "the sidecar's counts to reach the proxy");
    assertEquals(4, listedHits(seed).getLong("requests"));
    JsonArray samples = parse(Http.get(metrics, "/metrics").body());
    Map<String, String> test = Map.of("target", "intercept", "intercept", "test");
    assertEquals(4, value(samples, "intercept_sidecar_requests_total", test));
    assertTrue(
        value(samples, "intercept_sidecar_requests_total", Map.of("target", "app")) >= 1,
        "the app's requests");
    assertTrue(value(samples, "intercept_sidecar_response_body_bytes_total", test) > 0);
    // the latency histogram: every request in +Inf, the parser having checked its shape
    String duration = "intercept_sidecar_request_duration_seconds";
    assertEquals(4, value(samples, duration + "_count", test));
    Map<String, String> inf = new HashMap<>(test);
    inf.put("le", "+Inf");
    assertEquals(4, value(samples, duration + "_bucket", inf));
    assertTrue(value(samples, duration + "_sum", test) > 0);
    assertEquals(1, value(samples, "intercept_sidecar_routes", Map.of("app", "myapp")));
    alice.signal("INT");
    assertEquals(0, alice.awaitExit(15_000));
  }

  private static String served(SeedSetup seed, String path) {
    try {
      return Http.get(seed.sidecar(), path).firstLine().replace("Request served by ", "");
    } catch (Exception e) {
      return e.toString();
    }
  }

  /** The hits of myapp/test as the proxy's API lists them (empty while unknown). */
  static JsonObject listedHits(SeedSetup seed) {
    try {
      JsonArray all =
          new JsonArray(
              Http.send(seed.api(), "GET", "/api/v1/intercepts", null, seed.auth("alice")).body());
      JsonObject hits = all.isEmpty() ? null : all.getJsonObject(0).getJsonObject("hits");
      return hits == null ? new JsonObject() : hits;
    } catch (Exception e) {
      return new JsonObject();
    }
  }

  private static String scrape(SeedSetup seed) throws Exception {
    Http.Response r = Http.get(seed.api(), "/metrics", seed.auth("alice"));
    assertEquals(200, r.status(), r.body());
    return r.body();
  }
}

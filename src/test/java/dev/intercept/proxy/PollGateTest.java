package dev.intercept.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.ProxyFixture;
import dev.intercept.TestWait;
import dev.intercept.config.ConfigKey;
import dev.intercept.it.Http;
import dev.intercept.it.PollSocket;
import dev.intercept.tunnel.TunnelKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The route long-poll served by {@link PollGate} below Vert.x, against a real proxy on loopback
 * with raw sockets: the same bytes as Vert.x's answer, wake-ups, close, the limit's 503, Vert.x's
 * own answers for whatever the gate does not take, and pipelined requests in order.
 */
class PollGateTest {
  private static final String KEY = TunnelKeys.toOpenSsh(TunnelKeys.generate().getPublic());
  private ProxyFixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = ProxyFixture.start(Map.of(ConfigKey.MAX_WAITERS, 2));
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private PollSocket socket(String user) throws Exception {
    return new PollSocket(fixture.apiPort(), user == null ? "" : fixture.token(user));
  }

  private static String get(String path, String token) {
    return "GET "
        + path
        + " HTTP/1.1\r\nHost: proxy\r\nAuthorization: Bearer "
        + token
        + "\r\n\r\n";
  }

  private long version() throws Exception {
    try (PollSocket s = socket("sidecar")) {
      Http.Response r = s.poll("myapp", -1, 0).read();
      assertEquals(200, r.status());
      return new JsonObject(r.body()).getLong("version");
    }
  }

  private void register(String name) throws Exception {
    String body =
        new JsonObject()
            .put(
                "matchers",
                new JsonArray().add(new JsonObject().put("header", ":path").put("regex", "/x")))
            .put("publicKey", KEY)
            .encode();
    Http.Response r =
        Http.send(
            fixture.apiPort(),
            "PUT",
            "/api/v1/apps/myapp/intercepts/" + name,
            body.getBytes(StandardCharsets.UTF_8),
            "Authorization",
            "Bearer " + fixture.token("alice"),
            "Content-Type",
            "application/json");
    assertEquals(201, r.status(), r.body());
  }

  @Test
  void aPollAnsweredBelowVertxIsByteForByteTheAnswerVertxSends() throws Exception {
    try (PollSocket gate = socket("sidecar");
        PollSocket plain = socket("sidecar")) {
      ProxyRole.Running proxy = fixture.running();
      long taken = proxy.pollsTakenByGate();
      Http.Response below = gate.poll("myapp", -1, 0).read();
      assertEquals(taken + 1, proxy.pollsTakenByGate());
      // a first request that is no poll hands the connection to Vert.x for good
      assertEquals(200, plain.raw(get("/healthz", "")).read().status());
      Http.Response vertx = plain.poll("myapp", -1, 0).read();
      assertEquals(taken + 1, proxy.pollsTakenByGate());
      assertEquals(vertx.head(), below.head());
      assertEquals(vertx.body(), below.body());
      assertEquals(200, below.status());
      assertTrue(new JsonObject(below.body()).containsKey("routes"), below.body());
    }
  }

  @Test
  void aWaitingPollIsWokenByAChangeCountsAsWaitingAndGoesWhenItsConnectionCloses()
      throws Exception {
    long v = version();
    ProxyRole.Running proxy = fixture.running();
    try (PollSocket s = socket("sidecar")) {
      s.poll("myapp", v, 30);
      TestWait.until(() -> proxy.waitingPolls() == 1, 5_000, "the poll to park");
      assertTrue(!s.ready(), "answered before any change");
      register("a");
      Http.Response woken = s.read();
      assertEquals(200, woken.status());
      long v2 = new JsonObject(woken.body()).getLong("version");
      assertNotEquals(v, v2);
      assertEquals(0, proxy.waitingPolls());
      // timed as any API request, and the change's fan-out measured
      String metrics =
          Http.get(
                  fixture.apiPort(),
                  "/metrics",
                  "Authorization",
                  "Bearer " + fixture.token("admin"))
              .body();
      assertTrue(
          metrics.matches(
              "(?s).*intercept_api_request_duration_seconds_count\\{[^}]*"
                  + "route=\"/api/v1/apps/:app/routes\",status=\"200\"[^}]*\\} [1-9].*"),
          metrics);
      assertTrue(
          metrics.matches("(?s).*\nintercept_route_fanout_seconds_count 1(\\.0)?\n.*"), metrics);
      // the same connection polls again: parked below Vert.x again, until it goes away
      s.poll("myapp", v2, 30);
      TestWait.until(() -> proxy.waitingPolls() == 1, 5_000, "the second poll to park");
    }
    TestWait.until(() -> proxy.waitingPolls() == 0, 5_000, "the closed poll to be forgotten");
  }

  @Test
  void pollsTheGateDoesNotAnswerGetVertxsAnswers() throws Exception {
    try (PollSocket none = socket(null);
        PollSocket dev = socket("alice");
        PollSocket bad = socket("sidecar")) {
      Http.Response r = none.raw(get("/api/v1/apps/myapp/routes?since=-1&wait=5", "")).read();
      assertEquals(401, r.status());
      assertTrue(r.head().toLowerCase().contains("www-authenticate: bearer"), r.head());
      assertEquals(403, dev.poll("myapp", -1, 0).read().status());
      Http.Response x =
          bad.raw(get("/api/v1/apps/myapp/routes?since=x", fixture.token("sidecar"))).read();
      assertEquals(400, x.status());
      assertTrue(x.body().contains("whole number"), x.body());
      // the connection is Vert.x's from there on, and still serves a good poll
      assertEquals(200, bad.poll("myapp", -1, 0).read().status());
    }
  }

  @Test
  void pastTheLimitAPollGets503WithRetryAfterAndItsConnectionClosed() throws Exception {
    long v = version();
    ProxyRole.Running proxy = fixture.running();
    try (PollSocket a = socket("sidecar");
        PollSocket b = socket("sidecar");
        PollSocket c = socket("sidecar")) {
      a.poll("myapp", v, 30);
      b.poll("myapp", v, 30);
      TestWait.until(() -> proxy.waitingPolls() == 2, 5_000, "two polls to park");
      Http.Response r = c.poll("myapp", v, 30).read();
      assertEquals(503, r.status());
      assertTrue(r.head().toLowerCase().contains("retry-after: "), r.head());
      assertTrue(r.body().contains("too-many-waiters"), r.body());
      assertTrue(c.closedByPeer(), "the refused connection is closed");
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    long v = version();
    String token = fixture.token("sidecar");
    try (PollSocket s = socket("sidecar")) {
      String poll = get("/api/v1/apps/myapp/routes?since=-1&wait=0", token);
      s.raw(poll + get("/healthz", token) + poll);
      assertTrue(s.read().body().contains("routes"));
      assertTrue(s.read().body().contains("\"ok\""));
      assertTrue(s.read().body().contains("routes"));
    }
    try (PollSocket s = socket("sidecar")) {
      // behind a poll that waits (1 s, no change): the second poll is answered after it
      s.raw(
          get("/api/v1/apps/myapp/routes?since=" + v + "&wait=1", token)
              + get("/api/v1/apps/myapp/routes?since=-1&wait=0", token));
      Http.Response first = s.read();
      Http.Response second = s.read();
      assertEquals(v, new JsonObject(first.body()).getLong("version"));
      assertEquals(200, second.status());
    }
  }
}

package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.TestWait;
import dev.intercept.tunnel.TunnelKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Regexes meant to hurt, sent by a developer to a real proxy with a sidecar polling it: each is
 * refused (400 over RE2's limits, 409 when its automaton is too big to analyse) well within a
 * second, and afterwards the proxy answers, a tunnel gone silent is still detected dead on time,
 * and route updates still reach the sidecar.
 */
public class HostileRegexIT {
  /** Regex -> the status it gets. */
  public static final Map<String, Integer> HOSTILE =
      Map.ofEntries(
          Map.entry("((a{100}){100}){100}", 400), // RE2: bad repetition operator
          Map.entry("(a{1000}){2}", 400),
          Map.entry("((((((((((a{2}){2}){2}){2}){2}){2}){2}){2}){2}){2})", 400),
          Map.entry(".{1000}", 400), // program size, Envoy's default limit
          Map.entry("\\p{L}{1000}", 400),
          Map.entry("(\\p{L}{100}){10}", 400),
          Map.entry("(.*){1000}", 400),
          Map.entry("(a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q|r|s|t|u|v|w|x|y|z){100}", 400),
          Map.entry("/[ab]*a[ab]{30}", 409), // program size 37, 2^31 DFA states
          Map.entry("/(a|b)*a(a|b){14}", 409));

  private final Roles started = new Roles();
  private SeedSetup seed;

  @BeforeEach
  void start() throws Exception {
    seed = SeedSetup.start(started, 4);
  }

  @AfterEach
  void stop() {
    started.close();
  }

  RoleProcess client(String user, String name, String... args) throws Exception {
    List<String> all =
        new ArrayList<>(List.of("--role=client", "intercept", "myapp", "--name", name, "-p"));
    all.add(Integer.toString(seed.laptop()));
    all.addAll(List.of(args));
    all.addAll(List.of("--proxy-url", "http://127.0.0.1:" + seed.api()));
    return started.start(
        user + "-" + name,
        Map.of("INTERCEPT_TOKEN", seed.tokens().of(user)),
        all.toArray(String[]::new));
  }

  String served(String path) {
    try {
      return Http.get(seed.sidecar(), path).firstLine().replace("Request served by ", "");
    } catch (Exception e) {
      return e.toString();
    }
  }

  @Test
  void eachIsRefusedWithinASecondAndEverythingStillWorksAfterwards() throws Exception {
    RoleProcess alice = client("alice", "test", "-m", ":path", ".*ark3.*");
    alice.awaitLine("^T: Intercept is running", 30_000);
    TestWait.until(() -> served("/ark3").equals("container_on_laptop"), 5_000, "alice's route");

    String key = TunnelKeys.toOpenSsh(TunnelKeys.generate().getPublic());
    for (var hostile : HOSTILE.entrySet()) {
      JsonObject body =
          new JsonObject()
              .put(
                  "matchers",
                  new JsonArray()
                      .add(new JsonObject().put("header", ":path").put("regex", hostile.getKey())))
              .put("publicKey", key);
      long t0 = System.nanoTime();
      Http.Response r =
          Http.send(
              seed.api(),
              "PUT",
              "/api/v1/apps/myapp/intercepts/bomb",
              body.encode().getBytes(StandardCharsets.UTF_8),
              seed.auth("bob"));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals((int) hostile.getValue(), r.status(), hostile.getKey() + ": " + r.body());
      assertTrue(ms < 1_000, hostile.getKey() + " took " + ms + " ms");
      String reason = new JsonObject(r.body()).getString("error");
      assertTrue(
          reason.contains(hostile.getValue() == 400 ? "RE2" : "treated as overlapping"),
          hostile.getKey() + ": " + reason);
    }

    assertEquals(200, Http.get(seed.api(), "/healthz").status());
    // a route update still reaches the sidecar
    RoleProcess bob = client("bob", "fine", "-m", ":path", "/bob/[a-z]*"); // no digit: no ark3
    bob.awaitLine("^T: Intercept is running", 30_000);
    TestWait.until(() -> served("/bob/x").equals("container_on_laptop"), 5_000, "bob's route");
    // a tunnel gone silent is still detected dead (keepalive 2 s x 3 missed) and fails open
    alice.signal("STOP");
    TestWait.until(
        () -> served("/ark3").equals("the-app-pod"),
        15_000,
        "the proxy to notice alice's silent tunnel");
    assertEquals("container_on_laptop", served("/bob/x"));
    alice.signal("CONT");
  }
}

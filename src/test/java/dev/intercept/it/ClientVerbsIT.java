package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.TestWait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The client's verbs as a developer runs them, against real processes (--auth=token-file): the seed
 * with two developers, alice on {@code :path /ark3.*} and bob on {@code :path /ark4.*}; {@code
 * explain}, {@code status}, {@code list} in text, JSON and YAML, {@code completion}, and {@code
 * leave} from another terminal ending the client that runs the intercept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientVerbsIT {
  private final Roles started = new Roles();
  private SeedSetup seed;
  private RoleProcess bob;

  @BeforeAll
  void start() throws Exception {
    seed = SeedSetup.start(started, 8);
    bob = intercept("bob", "bob4", "/ark4.*");
    bob.awaitLine("^T: Intercept is running", 30_000);
  }

  @AfterAll
  void stop() {
    started.close();
  }

  private RoleProcess intercept(String user, String name, String path) throws Exception {
    return seed.intercept(started, user, name, path);
  }

  /** Runs a verb as {@code user}; returns the finished process (exit code checked by callers). */
  private RoleProcess verb(String user, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--role=client"));
    all.addAll(List.of(args));
    all.addAll(List.of("--proxy-url", "http://127.0.0.1:" + seed.api()));
    RoleProcess p =
        started.start(
            user + "-" + args[0],
            Map.of("INTERCEPT_TOKEN", seed.tokens().of(user)),
            all.toArray(String[]::new));
    p.awaitExit(30_000);
    return p;
  }

  private static String out(RoleProcess p) {
    return String.join("\n", p.stdout());
  }

  private static void exits(int code, RoleProcess p) throws InterruptedException {
    assertEquals(code, p.awaitExit(1_000), "stdout " + p.stdout() + " stderr " + p.stderr());
    if (code != 0) {
      assertEquals(1, p.stderr().size(), p.stderr().toString());
      assertTrue(p.stderr().get(0).startsWith("intercept: "), p.stderr().get(0));
    }
  }

  private String served(String path) {
    try {
      return Http.get(seed.sidecar(), path).firstLine().replace("Request served by ", "");
    } catch (Exception e) {
      return e.toString();
    }
  }

  @Test
  void explainNamesTheInterceptThatTakesARequestAndTheFailingMatcherOfTheOthers() throws Exception {
    RoleProcess alice = intercept("alice", "test", "/ark3.*");
    alice.awaitLine("^T: Intercept is running", 30_000);
    try {
      RoleProcess ark4 = verb("alice", "explain", "myapp", "--path", "/ark4", "-H", "x-dev: a");
      exits(0, ark4);
      List<String> said = ark4.stdout();
      assertEquals(
          "request: GET /ark4 (:authority: myapp, :scheme: http, x-dev: a)",
          said.get(0),
          out(ark4));
      assertEquals("goes to: intercept 'bob4' of bob (through its tunnel)", said.get(1));
      assertEquals("  1. bob4 (bob): takes it", said.get(2));
      assertEquals(
          "  2. test (alice): does not match: :path '/ark4' is not a full match of /ark3.*",
          said.get(3));

      RoleProcess ark3 = verb("bob", "explain", "myapp", "--path", "/ark3/x", "-o", "json");
      exits(0, ark3);
      JsonObject j = new JsonObject(out(ark3));
      assertEquals("intercept", j.getString("target"), j.encode());
      assertEquals("test", j.getString("intercept"));
      JsonObject first = j.getJsonArray("intercepts").getJsonObject(0);
      assertEquals("bob4", first.getString("name"));
      assertEquals("no_match", first.getString("outcome"));
      assertEquals(":path", first.getJsonObject("failedMatcher").getString("header"));
      assertEquals("/ark3/x", first.getString("value"));
      assertEquals("takes", j.getJsonArray("intercepts").getJsonObject(1).getString("outcome"));

      RoleProcess other = verb("alice", "explain", "myapp", "--path", "/other", "-o", "yaml");
      exits(0, other);
      assertTrue(out(other).contains("target: app"), out(other));
      assertTrue(out(other).contains("intercept: null"), out(other));

      exits(2, verb("alice", "explain", "myapp", "-H", "no colon here"));
      exits(2, verb("alice", "explain", "myapp", "-H", "bad name: x"));
      exits(2, verb("alice", "explain", "myapp", "-o", "xml"));
      RoleProcess none = verb("alice", "explain", "noapp");
      exits(0, none);
      assertTrue(out(none).contains("goes to: the app's pods"), out(none));
      assertTrue(out(none).contains("(app 'noapp' has no intercepts)"), out(none));
    } finally {
      alice.signal("INT");
      alice.awaitExit(15_000);
    }
  }

  @Test
  void statusAndListSayTheSameInTextJsonAndYaml() throws Exception {
    RoleProcess status = verb("bob", "status");
    exits(0, status);
    List<String> said = status.stdout();
    assertTrue(said.get(0).startsWith("connection: proxy URL http://127.0.0.1:"), said.get(0));
    assertTrue(said.get(1).contains("(healthz: ok), intercept 0.1.0, replica "), said.get(1));
    assertEquals("you: bob", said.get(2));
    assertTrue(said.contains("your intercepts: 1"), out(status));
    assertTrue(
        said.stream()
            .anyMatch(
                l ->
                    l.matches(
                        "  myapp/bob4 port \\d+ lease \\d+ s left hits \\d+, last .* matchers .* tunnel up at"
                            + " 127\\.0\\.0\\.1")),
        out(status));

    RoleProcess json = verb("bob", "status", "--output", "json");
    exits(0, json);
    JsonObject s = new JsonObject(out(json));
    assertEquals("bob", s.getJsonObject("you").getString("user"));
    assertEquals("ok", s.getJsonObject("proxy").getString("health"));
    JsonObject mine = s.getJsonArray("intercepts").getJsonObject(0);
    assertEquals("bob4", mine.getString("name"));
    assertTrue(mine.getLong("leaseSecondsLeft") > 0, mine.encode());
    assertEquals("127.0.0.1", mine.getJsonObject("tunnel").getString("host"));

    RoleProcess aliceStatus = verb("alice", "status", "-o", "json");
    exits(0, aliceStatus);
    JsonObject a = new JsonObject(out(aliceStatus));
    assertTrue(a.getJsonArray("intercepts").isEmpty(), a.encode());
    assertTrue(a.getInteger("othersIntercepts") >= 1, a.encode());

    RoleProcess list = verb("alice", "list", "myapp", "-o", "json");
    exits(0, list);
    JsonArray l = new JsonArray(out(list));
    assertTrue(
        l.stream().anyMatch(o -> ((JsonObject) o).getString("name").equals("bob4")), l.encode());
    RoleProcess yaml = verb("alice", "list", "-o", "yaml");
    exits(0, yaml);
    assertTrue(out(yaml).contains("name: bob4"), out(yaml));
    assertTrue(out(yaml).contains("owner: bob"), out(yaml));
  }

  @Test
  void leaveFromAnotherTerminalEndsTheClientAndOnlyTheOwnersIntercept() throws Exception {
    RoleProcess alice = intercept("alice", "gone", "/ark5.*");
    alice.awaitLine("^T: Intercept is running", 30_000);
    TestWait.until(() -> served("/ark5").equals("container_on_laptop"), 5_000, "alice's route");

    exits(1, verb("bob", "leave", "gone"));
    assertTrue(alice.isAlive());
    exits(1, verb("alice", "leave", "nosuch"));
    exits(2, verb("alice", "leave", "Bad_Name"));

    RoleProcess leave = verb("alice", "leave", "gone");
    exits(0, leave);
    assertTrue(out(leave).startsWith("left myapp/gone"), out(leave));
    // the client running it exits by itself, and does not register it again
    assertEquals(0, alice.awaitExit(30_000), alice.stdout().toString());
    assertTrue(
        alice.stdout().stream().anyMatch(x -> x.contains("was removed with 'leave'")),
        alice.stdout().toString());
    assertEquals("the-app-pod", served("/ark5"));
    RoleProcess list = verb("alice", "list", "-o", "json");
    exits(0, list);
    assertFalse(out(list).contains("\"gone\""), out(list));

    // a new run may take the name at once; --quiet: no line per request
    RoleProcess again = seed.intercept(started, "alice", "gone", "/ark5.*", "--quiet");
    again.awaitLine("^T: Intercept is running", 30_000);
    TestWait.until(() -> served("/ark5").equals("container_on_laptop"), 5_000, "the new run");
    again.signal("INT");
    assertEquals(0, again.awaitExit(15_000));
    assertTrue(
        again.stdout().stream().noneMatch(l -> l.startsWith("T: GET /ark5")),
        again.stdout().toString());
    assertTrue(
        alice.stdout().stream().anyMatch(l -> l.startsWith("T: GET /ark5 → localhost:")),
        alice.stdout().toString());
  }

  @Test
  void completionPrintsABashScriptThatKnowsTheVerbs() throws Exception {
    String script;
    try (RoleProcess p = RoleProcess.start("completion", Map.of(), "--role=client", "completion")) {
      p.awaitExit(30_000);
      exits(0, p);
      script = out(p);
    }
    assertTrue(script.contains("complete -F"), script.substring(0, 200));
    for (String verb : List.of("intercept", "list", "status", "leave", "explain", "completion")) {
      assertTrue(script.contains(verb), verb);
    }
  }
}

package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.TestWait;
import io.vertx.core.json.JsonArray;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What one may take, as real processes (--auth=token-file): another owner's overlap is refused with
 * a request both would take, a personal intercept takes only its developer's tagged requests, a
 * catch-all needs an admin, the per-identity cap holds, and the sidecar process cleans forwarding
 * headers as Envoy does.
 */
class PolicyIT {
  private final Roles started = new Roles();
  private SeedSetup seed;

  @BeforeEach
  void start() throws Exception {
    seed = SeedSetup.start(started, 8);
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

  String served(String path, String... headers) {
    try {
      return Http.get(seed.sidecar(), path, headers).firstLine().replace("Request served by ", "");
    } catch (Exception e) {
      return e.toString();
    }
  }

  static String lastLine(RoleProcess p) {
    return p.stderr().isEmpty() ? "" : p.stderr().get(p.stderr().size() - 1);
  }

  @Test
  void anOverlapIsRefusedWithARequestBothWouldTakeAndAPersonalInterceptTakesOnlyItsOwn()
      throws Exception {
    RoleProcess alice = client("alice", "test", "-m", ":path", ".*ark3.*");
    alice.awaitLine("^T: Intercept is running", 30_000);
    TestWait.until(() -> served("/ark3").equals("container_on_laptop"), 5_000, "alice's route");

    RoleProcess bob = client("bob", "wide", "-m", ":path", "/ark.*");
    assertEquals(1, bob.awaitExit(30_000));
    String why = lastLine(bob);
    assertTrue(why.contains("overlaps intercept 'test' of alice"), why);
    Matcher w = Pattern.compile(":path: (\\S+?)[;,]").matcher(why);
    assertTrue(w.find(), why);
    assertTrue(w.group(1).startsWith("/ark") && w.group(1).contains("ark3"), w.group(1));

    // --personal: a fresh header value, printed; only requests carrying it go to bob
    RoleProcess personal = client("bob", "mine", "--personal", "-m", ":path", "/ark3");
    Matcher id =
        personal.awaitLine(
            "^T: Personal intercept: only requests that carry the header "
                + "x-intercept-id: ([0-9a-f]{32}) come here",
            30_000);
    personal.awaitLine("^T: Intercept is running", 30_000);
    String header = id.group(1);
    TestWait.until(
        () -> served("/ark3", "x-intercept-id", header).equals("container_on_laptop"),
        5_000,
        "bob's tagged request");
    assertEquals("container_on_laptop", served("/ark3"), "untagged: alice's, as before");
    assertEquals("the-app-pod", served("/other", "x-intercept-id", header), "bob's needs /ark3");
  }

  @Test
  void aCatchAllNeedsAnAdminAndEachIdentityHasItsShare() throws Exception {
    RoleProcess all = client("alice", "all", "-m", ":path", ".*");
    assertEquals(1, all.awaitExit(30_000));
    assertTrue(lastLine(all).contains("would take every request of app 'myapp'"), lastLine(all));
    RoleProcess admin = client("admin", "all", "-m", ":path", ".*");
    admin.awaitLine("^T: Intercept is running", 30_000);
    admin.signal("INT");
    assertEquals(0, admin.awaitExit(15_000));

    for (int i = 0; i < 4; i++) {
      RoleProcess c = client("alice", "n" + i, "-m", "x-n", Integer.toString(i));
      c.awaitLine("^T: Intercept is running", 30_000);
    }
    RoleProcess fifth = client("alice", "n4", "-m", "x-n", "4");
    assertEquals(1, fifth.awaitExit(30_000));
    assertTrue(lastLine(fifth).contains("alice has 4 intercepts"), lastLine(fifth));
    JsonArray listed =
        new JsonArray(
            Http.send(seed.api(), "GET", "/api/v1/intercepts", null, seed.auth("alice")).body());
    assertEquals(4, listed.size(), listed.encode());
  }

  @Test
  void theSidecarRewritesForwardingHeadersDropsConnectionNominatedOnesAndRefusesClTe()
      throws Exception {
    RoleProcess alice = client("alice", "test", "-m", ":path", ".*ark3.*");
    alice.awaitLine("^T: Intercept is running", 30_000);
    TestWait.until(() -> served("/ark3").equals("container_on_laptop"), 5_000, "alice's route");
    for (String path : List.of("/ark3", "/other")) {
      Http.Response r =
          Http.get(
              seed.sidecar(),
              path,
              "X-Forwarded-For",
              "203.0.113.7",
              "X-Forwarded-Proto",
              "https",
              "Connection",
              "x-secret",
              "X-Secret",
              "hop-only");
      assertEquals(200, r.status(), r.body());
      assertTrue(r.body().contains("X-Forwarded-For: 203.0.113.7, 127.0.0.1\n"), r.body());
      assertTrue(r.body().contains("X-Forwarded-Proto: http\n"), r.body());
      assertTrue(!r.body().contains("hop-only") && !r.body().contains("X-Secret"), r.body());
    }
    byte[] chunked = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    Http.Response smuggled =
        Http.send(seed.sidecar(), "POST", "/ark3", chunked, "Transfer-Encoding", "chunked");
    assertEquals(400, smuggled.status(), smuggled.head());
  }
}

package dev.intercept.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.ProxyFixture;
import dev.intercept.config.ConfigKey;
import dev.intercept.it.Http;
import dev.intercept.tunnel.TunnelKeys;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A few thousand random and mutated API requests against a real proxy: never a 5xx (other than the
 * 503 of a full port pool), never a change to the intercepts already there.
 */
class ApiFuzzTest {
  private static final String KEY = TunnelKeys.toOpenSsh(TunnelKeys.generate().getPublic());
  private ProxyFixture fixture;
  private ProxyRole.Running proxy;

  @BeforeEach
  void start() throws Exception {
    fixture = ProxyFixture.start(Map.of(ConfigKey.LEASE_SECONDS, 3600));
    proxy = fixture.running();
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private static final String[] TYPES = {
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "text/plain"
  };

  record Answer(int status, String body) {}

  /**
   * Plain HTTP/1.1 on a new connection: the fuzzer tests the server, not an HTTP client's corner
   * cases.
   */
  Answer call(String user, HttpMethod m, String path, Buffer body) throws Exception {
    String type =
        TYPES[Math.floorMod(path.hashCode() + (body == null ? 0 : body.length()), TYPES.length)];
    String auth = user == null ? "Basic eDp5" : "Bearer " + fixture.token(user);
    var r =
        Http.send(
            proxy.apiPort(),
            m.name(),
            path,
            body == null ? null : body.getBytes(),
            "Content-Type",
            type,
            "Authorization",
            auth);
    return new Answer(r.status(), r.body());
  }

  static String valid(String header, String regex) {
    return new JsonObject()
        .put(
            "matchers",
            new JsonArray().add(new JsonObject().put("header", header).put("regex", regex)))
        .put("publicKey", KEY)
        .encode();
  }

  @Test
  void randomAndMutatedRequestsNeverBreakTheApiOrItsState() throws Exception {
    call("sidecar", HttpMethod.GET, "/api/v1/apps/myapp/routes?since=-1", null);
    assertEquals(
        201,
        call(
                "alice",
                HttpMethod.PUT,
                "/api/v1/apps/myapp/intercepts/keep",
                Buffer.buffer(valid(":path", "/keep")))
            .status());
    String before = call("alice", HttpMethod.GET, "/api/v1/intercepts", null).body();
    // everyone but alice (and admins): keep must survive them all
    String[] callers = {"bob", "sidecar", null};
    Random rnd = new Random(42);
    List<HttpMethod> methods =
        List.of(
            HttpMethod.GET,
            HttpMethod.PUT,
            HttpMethod.POST,
            HttpMethod.DELETE,
            HttpMethod.PATCH,
            HttpMethod.HEAD,
            HttpMethod.OPTIONS);
    String[] paths = {
      "/api/v1/apps/myapp/intercepts/keep",
      "/api/v1/apps/myapp/intercepts/keep/renew",
      "/api/v1/apps/myapp/intercepts/x",
      "/api/v1/apps/myapp/routes",
      "/api/v1/intercepts",
      "/api/v1/apps/",
      "/api/v1/apps/%2e%2e/intercepts/keep",
      "/api/v1/apps/myapp/intercepts/" + "a".repeat(300),
      "/healthz",
      "/api/v1/apps/MyApp/intercepts/keep",
      "/api/v1/apps/myapp/routes?since=abc&wait=-5",
      "/api/v1/apps/myapp/routes?since=1&wait=0",
      "/api/v1/apps/myapp/intercepts/keep?owner=alice"
    };
    int n = 0;
    String previous = "";
    for (int i = 0; i < 3000; i++) {
      HttpMethod m = methods.get(rnd.nextInt(methods.size()));
      String path = paths[rnd.nextInt(paths.length)];
      Buffer body =
          rnd.nextInt(4) == 0
              ? null
              : Buffer.buffer(
                  mutate(
                      rnd,
                      valid(
                          rnd.nextBoolean() ? ":path" : "x-dev",
                          rnd.nextBoolean() ? ".*" : "(a+)+$")));
      String caller = callers[rnd.nextInt(callers.length)];
      Answer a;
      try {
        a = call(caller, m, path, body);
      } catch (IOException e) {
        throw new AssertionError(
            "no answer to "
                + m
                + " "
                + path
                + " "
                + (body == null ? "" : body.toString())
                + " as "
                + caller
                + " after "
                + previous);
      }
      boolean poolFull = a.status() == 503 && a.body().contains("forward ports");
      assertTrue(
          a.status() < 500 || poolFull, m + " " + path + " → " + a.status() + " " + a.body());
      if (a.status() >= 400 && m != HttpMethod.HEAD) {
        assertTrue(
            a.body().startsWith("{\"error\":"), "errors are JSON with a reason: " + a.body());
      }
      n++;
      previous =
          m + " " + path + " " + a.status() + " body=" + (body == null ? null : body.toString());
    }
    JsonArray after =
        new JsonArray(call("alice", HttpMethod.GET, "/api/v1/intercepts", null).body());
    JsonObject keep =
        after.stream()
            .map(o -> (JsonObject) o)
            .filter(o -> o.getString("name").equals("keep"))
            .findFirst()
            .orElseThrow();
    JsonObject keepBefore = new JsonArray(before).getJsonObject(0);
    assertEquals(
        keepBefore.getJsonArray("matchers"),
        keep.getJsonArray("matchers"),
        "untouched by " + n + " requests");
    assertEquals(keepBefore.getInteger("port"), keep.getInteger("port"));
    assertEquals("alice", keep.getString("owner"));
  }

  /** Flips, drops, duplicates or inserts characters of a valid body. */
  static String mutate(Random rnd, String s) {
    StringBuilder b = new StringBuilder(s);
    int edits = rnd.nextInt(4);
    String alphabet = "{}[]\",:\\ \u0000\u00e9a1-_.*()?+$^|\n";
    for (int e = 0; e < edits && b.length() > 0; e++) {
      int at = rnd.nextInt(b.length());
      switch (rnd.nextInt(4)) {
        case 0 -> b.deleteCharAt(at);
        case 1 -> b.setCharAt(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
        case 2 -> b.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
        default -> b.insert(at, b.substring(at, Math.min(b.length(), at + rnd.nextInt(20))));
      }
    }
    return b.toString();
  }
}

package dev.intercept.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.OnContext;
import dev.intercept.ProxyFixture;
import dev.intercept.TestWait;
import dev.intercept.config.ConfigKey;
import dev.intercept.it.Http;
import dev.intercept.protocol.PersonalId;
import dev.intercept.tunnel.TunnelKeys;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy API on a real server (port 0): validation, ownership, pool, long-poll. */
class ProxyApiTest {
  private static final String KEY = TunnelKeys.toOpenSsh(TunnelKeys.generate().getPublic());
  private ProxyFixture fixture;
  private ProxyRole.Running proxy;
  private WebClient web;
  private OnContext calls;

  @BeforeEach
  void start() throws Exception {
    startProxy(10);
  }

  void startProxy(int leaseSeconds) throws Exception {
    startProxy(leaseSeconds, Map.of());
  }

  void startProxy(int leaseSeconds, Map<ConfigKey<?>, ?> more) throws Exception {
    Map<ConfigKey<?>, Object> settings = new HashMap<>(more);
    settings.put(ConfigKey.LEASE_SECONDS, leaseSeconds);
    fixture = ProxyFixture.start(settings);
    proxy = fixture.running();
    web = WebClient.create(fixture.vertx());
    calls = new OnContext(fixture.vertx());
    // the apps these tests use have a sidecar (its first poll is what lets intercepts be created)
    for (String app : new String[] {"myapp", "other"}) {
      assertEquals(
          200,
          callAs("sidecar", HttpMethod.GET, "/api/v1/apps/" + app + "/routes?since=-1", null)
              .statusCode());
    }
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  /** The i-th port of the proxy's forward-port pool: handed out in order. */
  int pool(int i) {
    return proxy.config().get(ConfigKey.FORWARD_PORTS).get(i);
  }

  static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** A call as alice, a developer. */
  HttpResponse<Buffer> call(HttpMethod m, String path, String body) throws Exception {
    return callAs("alice", m, path, body);
  }

  /** A call as a test user (alice, bob, admin, sidecar), or with no token when null. */
  HttpResponse<Buffer> callAs(String user, HttpMethod m, String path, String body)
      throws Exception {
    return calls.await(
        () -> {
          var req = web.request(m, proxy.apiPort(), "127.0.0.1", path);
          if (user != null) {
            req.bearerTokenAuthentication(fixture.token(user));
          }
          return body == null ? req.send() : req.sendBuffer(Buffer.buffer(body));
        });
  }

  static String body(String header, String regex) {
    return new JsonObject()
        .put(
            "matchers",
            new JsonArray().add(new JsonObject().put("header", header).put("regex", regex)))
        .put("publicKey", KEY)
        .encode();
  }

  JsonArray list() throws Exception {
    HttpResponse<Buffer> r = call(HttpMethod.GET, "/api/v1/intercepts", null);
    assertEquals(200, r.statusCode());
    return r.bodyAsJsonArray();
  }

  void assertRejected(int status, String reasonPart, HttpMethod m, String path, String body)
      throws Exception {
    assertRejectedFor("alice", status, reasonPart, m, path, body);
  }

  void assertRejectedFor(
      String user, int status, String reasonPart, HttpMethod m, String path, String body)
      throws Exception {
    JsonArray before = list();
    HttpResponse<Buffer> r = callAs(user, m, path, body);
    assertEquals(status, r.statusCode(), r.bodyAsString());
    String error = r.bodyAsJsonObject().getString("error");
    assertTrue(
        error != null && error.contains(reasonPart),
        "error '" + error + "' should say '" + reasonPart + "'");
    assertEquals(before, list(), "a rejected request changes nothing");
  }

  @Test
  void createListRenewDelete() throws Exception {
    HttpResponse<Buffer> r =
        call(HttpMethod.PUT, "/api/v1/apps/myapp/intercepts/test", body(":path", ".*ark3.*"));
    assertEquals(201, r.statusCode(), r.bodyAsString());
    JsonObject created = r.bodyAsJsonObject();
    assertEquals(pool(0), created.getInteger("port"));
    assertEquals("test.myapp", created.getString("sshUser"));
    assertEquals(proxy.sshPort(), created.getInteger("sshPort"));
    assertTrue(created.getString("hostKey").startsWith("ecdsa-sha2-nistp256 "));
    assertEquals(10.0, created.getDouble("leaseSeconds"));
    JsonArray all = list();
    assertEquals(1, all.size());
    assertEquals(null, all.getJsonObject(0).getValue("tunnel"));
    assertEquals(null, all.getJsonObject(0).getValue("publicKey"), "key material is not listed");
    assertEquals(
        all, call(HttpMethod.GET, "/api/v1/apps/myapp/intercepts", null).bodyAsJsonArray());
    assertEquals(
        0, call(HttpMethod.GET, "/api/v1/apps/other/intercepts", null).bodyAsJsonArray().size());
    long expires = all.getJsonObject(0).getLong("expiresAt");
    HttpResponse<Buffer> renewed =
        call(HttpMethod.POST, "/api/v1/apps/myapp/intercepts/test/renew", "");
    assertEquals(200, renewed.statusCode());
    assertTrue(renewed.bodyAsJsonObject().getLong("expiresAt") >= expires);
    assertEquals(
        204, call(HttpMethod.DELETE, "/api/v1/apps/myapp/intercepts/test", null).statusCode());
    assertEquals(0, list().size());
  }

  @Test
  void badInputIsRefusedWithAReasonAndChangesNothing() throws Exception {
    call(HttpMethod.PUT, "/api/v1/apps/myapp/intercepts/existing", body(":path", "/x"));
    String p = "/api/v1/apps/myapp/intercepts/test";
    assertRejected(400, "not a JSON object", HttpMethod.PUT, p, "{not json");
    assertRejected(400, "not a JSON object", HttpMethod.PUT, p, "[1,2]");
    assertRejected(
        400,
        "unknown field 'owner'",
        HttpMethod.PUT,
        p,
        new JsonObject(body(":path", "x")).put("owner", "bob").encode());
    assertRejected(
        400,
        "'matchers' is empty",
        HttpMethod.PUT,
        p,
        new JsonObject().put("matchers", new JsonArray()).put("publicKey", KEY).encode());
    assertRejected(
        400,
        "'matchers' must be a list",
        HttpMethod.PUT,
        p,
        new JsonObject().put("publicKey", KEY).encode());
    assertRejected(
        400,
        "'publicKey'",
        HttpMethod.PUT,
        p,
        new JsonObject(body(":path", "x")).put("publicKey", "").encode());
    assertRejected(
        400,
        "not an OpenSSH public key",
        HttpMethod.PUT,
        p,
        new JsonObject(body(":path", "x")).put("publicKey", "ssh-rsa garbage").encode());
    assertRejected(400, "not a valid HTTP header name", HttpMethod.PUT, p, body("x dev", "x"));
    assertRejected(400, "unknown pseudo-header", HttpMethod.PUT, p, body(":status", "x"));
    assertRejected(400, "invalid RE2 regex", HttpMethod.PUT, p, body(":path", "(a)\\1"));
    assertRejected(400, "lookaround", HttpMethod.PUT, p, body(":path", "(?!a)"));
    assertRejected(
        400,
        "intercept name 'Bad_Name'",
        HttpMethod.PUT,
        "/api/v1/apps/myapp/intercepts/Bad_Name",
        body(":path", "x"));
    assertRejected(
        400,
        "app 'My.App'",
        HttpMethod.PUT,
        "/api/v1/apps/My.App/intercepts/test",
        body(":path", "x"));
    assertRejected(413, "larger than", HttpMethod.PUT, p, body(":path", "x".repeat(70_000)));
    assertRejectedFor(
        "bob",
        403,
        "belongs to alice",
        HttpMethod.PUT,
        "/api/v1/apps/myapp/intercepts/existing",
        body(":path", "/y"));
    assertRejectedFor(
        "bob",
        403,
        "belongs to alice",
        HttpMethod.DELETE,
        "/api/v1/apps/myapp/intercepts/existing",
        null);
    assertRejectedFor(
        "bob",
        403,
        "belongs to alice",
        HttpMethod.POST,
        "/api/v1/apps/myapp/intercepts/existing/renew",
        "");
    assertRejectedFor(
        null, 401, "bearer token is required", HttpMethod.GET, "/api/v1/intercepts", null);
    assertRejectedFor(
        "sidecar",
        403,
        "sidecar: it may only poll routes",
        HttpMethod.PUT,
        "/api/v1/apps/myapp/intercepts/test",
        body(":path", "x"));
    assertRejected(
        404,
        "no sidecar with APPNAME=nosidecar has connected",
        HttpMethod.PUT,
        "/api/v1/apps/nosidecar/intercepts/test",
        body(":path", "x"));
    assertRejected(
        404,
        "no intercept 'nope'",
        HttpMethod.POST,
        "/api/v1/apps/myapp/intercepts/nope/renew",
        "");
    assertRejected(
        404, "no intercept 'nope'", HttpMethod.DELETE, "/api/v1/apps/myapp/intercepts/nope", null);
    assertRejected(
        400,
        "'since' must be a whole number",
        HttpMethod.GET,
        "/api/v1/apps/myapp/routes?since=x",
        null);
    assertRejected(404, "no such endpoint", HttpMethod.GET, "/api/v1/nothing", null);
    assertRejected(
        405,
        "method DELETE not allowed on /api/v1/intercepts",
        HttpMethod.DELETE,
        "/api/v1/intercepts",
        null);
  }

  @Test
  void theSameOwnerMayRegisterAgainAndKeepsItsPort() throws Exception {
    int port =
        call(HttpMethod.PUT, "/api/v1/apps/myapp/intercepts/a", body(":path", "/x"))
            .bodyAsJsonObject()
            .getInteger("port");
    HttpResponse<Buffer> again =
        call(HttpMethod.PUT, "/api/v1/apps/myapp/intercepts/a", body(":path", "/y"));
    assertEquals(201, again.statusCode());
    assertEquals(port, again.bodyAsJsonObject().getInteger("port"));
    assertEquals(
        "/y", list().getJsonObject(0).getJsonArray("matchers").getJsonObject(0).getString("regex"));
  }

  @Test
  void aFullPortPoolIsRefusedAndAFreedPortIsReused() throws Exception {
    assertEquals(
        201,
        call(HttpMethod.PUT, "/api/v1/apps/myapp/intercepts/a", body(":path", "/a")).statusCode());
    assertEquals(
        201,
        call(HttpMethod.PUT, "/api/v1/apps/other/intercepts/b", body(":path", "/b")).statusCode());
    assertRejected(
        503,
        "all 2 forward ports",
        HttpMethod.PUT,
        "/api/v1/apps/myapp/intercepts/c",
        body(":path", "/c"));
    assertEquals(
        204, call(HttpMethod.DELETE, "/api/v1/apps/myapp/intercepts/a", null).statusCode());
    HttpResponse<Buffer> c =
        call(HttpMethod.PUT, "/api/v1/apps/myapp/intercepts/c", body(":path", "/c"));
    assertEquals(201, c.statusCode());
    assertEquals(pool(0), c.bodyAsJsonObject().getInteger("port"));
  }

  @Test
  void longPollAnswersAtOnceOnNewVersionAndWakesOnChange() throws Exception {
    JsonObject first =
        callAs("sidecar", HttpMethod.GET, "/api/v1/apps/myapp/routes?since=-1&wait=10", null)
            .bodyAsJsonObject();
    long v = first.getLong("version");
    assertEquals(0, first.getJsonArray("routes").size());
    // same version: held until a change, here a timeout of 1 s
    JsonObject held =
        callAs("sidecar", HttpMethod.GET, "/api/v1/apps/myapp/routes?since=" + v + "&wait=1", null)
            .bodyAsJsonObject();
    assertEquals(v, held.getLong("version"));
    // a waiting poll is woken by a registry change for its app
    var waiting =
        calls.submit(
            () ->
                web.get(
                        proxy.apiPort(),
                        "127.0.0.1",
                        "/api/v1/apps/myapp/routes?since=" + v + "&wait=30")
                    .bearerTokenAuthentication(fixture.token("sidecar"))
                    .send());
    TestWait.until(() -> proxy.waitingPolls() == 1, 5_000, "the poll to park");
    call(HttpMethod.PUT, "/api/v1/apps/myapp/intercepts/a", body(":path", "/a"));
    JsonObject woken = get(waiting).bodyAsJsonObject();
    assertNotEquals(v, woken.getLong("version"));
    // no tunnel yet: the intercept is not routed (fail open)
    assertEquals(0, woken.getJsonArray("routes").size());
  }

  @Test
  void aLapsedLeaseRemovesTheInterceptAndFreesItsPortWhileRenewalKeepsOneAlive() throws Exception {
    fixture.close();
    startProxy(1);
    assertEquals(
        201,
        call(HttpMethod.PUT, "/api/v1/apps/myapp/intercepts/kept", body(":path", "/k"))
            .statusCode());
    assertEquals(
        201,
        call(HttpMethod.PUT, "/api/v1/apps/myapp/intercepts/lapsed", body(":path", "/l"))
            .statusCode());
    long deadline = System.currentTimeMillis() + 10_000;
    while (list().size() == 2 && System.currentTimeMillis() < deadline) {
      assertEquals(
          200, call(HttpMethod.POST, "/api/v1/apps/myapp/intercepts/kept/renew", "").statusCode());
      Thread.sleep(
          200); // the renewal cadence of this test's "client": behaviour, not synchronisation
    }
    JsonArray left = list();
    assertEquals(1, left.size(), "the unrenewed intercept lapsed within 10 s: " + left);
    assertEquals("kept", left.getJsonObject(0).getString("name"));
    HttpResponse<Buffer> reuse =
        callAs("bob", HttpMethod.PUT, "/api/v1/apps/myapp/intercepts/lapsed", body(":path", "/x"));
    assertEquals(201, reuse.statusCode(), "the name is free again");
    assertEquals(pool(1), reuse.bodyAsJsonObject().getInteger("port"), "and so is the port");
  }

  @Test
  void overlapsCatchAllsAndSharesAreRefusedWithTheirStatusAndNothingChanges() throws Exception {
    assertEquals(
        201,
        call(HttpMethod.PUT, "/api/v1/apps/myapp/intercepts/a", body(":path", ".*ark3.*"))
            .statusCode());
    HttpResponse<Buffer> o =
        callAs("bob", HttpMethod.PUT, "/api/v1/apps/myapp/intercepts/b", body(":path", "/ark.*"));
    assertEquals(409, o.statusCode(), o.bodyAsString());
    JsonObject answer = o.bodyAsJsonObject();
    assertEquals("overlap", answer.getString("code"));
    assertTrue(answer.getString("error").contains("'a' of alice"), answer.getString("error"));
    String path = answer.getJsonObject("witness").getString(":path");
    assertTrue(path.startsWith("/ark") && path.contains("ark3"), path);
    assertRejectedFor(
        "bob",
        403,
        "would take every request",
        HttpMethod.PUT,
        "/api/v1/apps/other/intercepts/all",
        body(":path", "(?s).*"));
    assertEquals(
        201,
        callAs("admin", HttpMethod.PUT, "/api/v1/apps/other/intercepts/all", body(":path", ".*"))
            .statusCode(),
        "an admin may take everything");
    fixture.close();
    startProxy(10, Map.of(ConfigKey.MAX_INTERCEPTS, 2, ConfigKey.FORWARD_PORTS, Http.freePorts(4)));
    for (String n : new String[] {"one", "two"}) {
      assertEquals(
          201,
          call(HttpMethod.PUT, "/api/v1/apps/myapp/intercepts/" + n, body("x-n", n)).statusCode());
    }
    assertRejected(
        429,
        "alice has 2 intercepts",
        HttpMethod.PUT,
        "/api/v1/apps/other/intercepts/three",
        body("x-n", "three"));
    assertEquals(
        201,
        call(HttpMethod.PUT, "/api/v1/apps/myapp/intercepts/two", body("x-n", "2")).statusCode(),
        "registering one's own name again is no new intercept");
  }

  @Test
  void theRegexBudgetIsEnvoysAndAnAdminCanRaiseIt() throws Exception {
    // RE2 program size 248 (real RE2's ProgramSize()); Envoy refuses more than 100 by default
    String big = "/big.{30}";
    assertRejected(
        400,
        "matcher 1 (:path): regex '/big.{30}' has an RE2 program of 248 instructions, over the"
            + " limit of 100 (max-regex-program-size",
        HttpMethod.PUT,
        "/api/v1/apps/myapp/intercepts/big",
        body(":path", big));
    assertRejected(
        400,
        "is refused by RE2: invalid repetition size",
        HttpMethod.PUT,
        "/api/v1/apps/myapp/intercepts/big",
        body(":path", "((a{100}){100}){100}"));
    fixture.close();
    startProxy(10, Map.of(ConfigKey.MAX_REGEX_PROGRAM_SIZE, 300));
    assertEquals(
        201,
        call(HttpMethod.PUT, "/api/v1/apps/myapp/intercepts/big", body(":path", big)).statusCode());
  }

  @Test
  void twoOverlappingRegistrationsAtOnceNeverBothSucceed() throws Exception {
    // each is analysed before the registry's lock against what was there, and again under it
    // when the app changed meanwhile: of two racing overlaps, exactly one is stored
    for (int round = 0; round < 10; round++) {
      String a = "/api/v1/apps/myapp/intercepts/a" + round;
      String b = "/api/v1/apps/myapp/intercepts/b" + round;
      String path = "/race" + round + "/.*";
      List<Integer> statuses =
          calls.await(
              () ->
                  Future.all(
                          put("alice", a, body(":path", path)),
                          put("bob", b, body(":path", path + "x")))
                      .map(
                          all ->
                              Stream.of(0, 1)
                                  .map(i -> all.<HttpResponse<Buffer>>resultAt(i).statusCode())
                                  .sorted()
                                  .toList()));
      assertEquals(List.of(201, 409), statuses, "round " + round);
      callAs("alice", HttpMethod.DELETE, a, null);
      callAs("bob", HttpMethod.DELETE, b, null);
    }
  }

  /** A PUT as {@code user}, not awaited (on the test's context, through {@link #calls}). */
  Future<HttpResponse<Buffer>> put(String user, String path, String body) {
    return web.request(HttpMethod.PUT, proxy.apiPort(), "127.0.0.1", path)
        .bearerTokenAuthentication(fixture.token(user))
        .sendBuffer(Buffer.buffer(body));
  }

  @Test
  void aPersonalIdIsShownToItsOwnerAndAdminsOnly() throws Exception {
    String id = PersonalId.fresh();
    assertEquals(
        201,
        call(HttpMethod.PUT, "/api/v1/apps/myapp/intercepts/mine", body(PersonalId.HEADER, id))
            .statusCode());
    for (String viewer : new String[] {"alice", "admin", "bob"}) {
      JsonObject listed =
          callAs(viewer, HttpMethod.GET, "/api/v1/apps/myapp/intercepts", null)
              .bodyAsJsonArray()
              .getJsonObject(0);
      String regex = listed.getJsonArray("matchers").getJsonObject(0).getString("regex");
      assertEquals(viewer.equals("bob") ? PersonalId.HIDDEN : id, regex, viewer);
    }
    // routes (sidecars only) carry the real value: PolicyIT routes a tagged request by it
  }

  @Test
  void healthz() throws Exception {
    assertEquals(200, call(HttpMethod.GET, "/healthz", null).statusCode());
    assertEquals(200, call(HttpMethod.GET, "/readyz", null).statusCode());
  }
}

package dev.intercept.proxy.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.ProxyFixture;
import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.Identity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * --auth=kubernetes against fabric8's mock API server (no API server runs here: the one fake
 * allowed), which answers TokenReviews and SubjectAccessReviews as a cluster would: alice's token
 * is valid, an expired one is not, alice may create intercepts of myapp but not delete them, the
 * sidecar's service account is a sidecar.
 */
class KubernetesReviewsTest {
  private KubernetesMockServer server;
  private KubernetesClient client;
  private Vertx vertx;
  private final AtomicInteger tokenReviews = new AtomicInteger();
  private final AtomicInteger accessReviews = new AtomicInteger();

  private static final Map<String, JsonObject> USERS =
      Map.of(
          "alice-token",
          new JsonObject()
              .put("username", "alice")
              .put("uid", "u1")
              .put("groups", new JsonArray().add("devs").add(Identity.SIDECARS)),
          "sidecar-token",
          new JsonObject()
              .put("username", "system:serviceaccount:shop:myapp")
              .put("uid", "u2")
              .put("groups", new JsonArray().add("system:serviceaccounts")),
          "admin-token",
          new JsonObject()
              .put("username", "root")
              .put("uid", "u3")
              .put("groups", new JsonArray().add(Identity.ADMINS)));

  @BeforeEach
  void start() {
    server = new KubernetesMockServer(false);
    server.init();
    server
        .expect()
        .post()
        .withPath("/apis/authentication.k8s.io/v1/tokenreviews")
        .andReply(
            201,
            req -> {
              tokenReviews.incrementAndGet();
              JsonObject review = new JsonObject(req.getUtf8Body());
              String token = review.getJsonObject("spec").getString("token");
              JsonObject status =
                  USERS.containsKey(token)
                      ? new JsonObject().put("authenticated", true).put("user", USERS.get(token))
                      : new JsonObject()
                          .put("authenticated", false)
                          .put("error", "token has expired");
              return review.put("status", status).encode();
            })
        .always();
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
        .andReply(
            201,
            req -> {
              accessReviews.incrementAndGet();
              JsonObject review = new JsonObject(req.getUtf8Body());
              JsonObject spec = review.getJsonObject("spec");
              JsonObject attrs = spec.getJsonObject("resourceAttributes");
              boolean allowed =
                  spec.getString("user").equals("alice")
                      && attrs.getString("group").equals("intercept.dev")
                      && attrs.getString("resource").equals("intercepts")
                      && attrs.getString("namespace").equals("shop")
                      && attrs.getString("name").equals("myapp")
                      && List.of("create", "update", "list").contains(attrs.getString("verb"));
              return review.put("status", new JsonObject().put("allowed", allowed)).encode();
            })
        .always();
    client =
        server.createClient(
            b ->
                b.withConfig(
                    AccessControl.reviewTimeouts(server.createClient().getConfiguration())));
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.destroy();
    ProxyFixture.await(vertx.close());
  }

  KubernetesReviews reviews(long cacheMs) {
    return new KubernetesReviews(vertx, client, "shop", List.of("shop:myapp"), cacheMs);
  }

  static <T> T get(Future<T> f) throws Exception {
    return ProxyFixture.await(f);
  }

  static ApiFailure failure(Future<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> get(f));
    return assertInstanceOf(ApiFailure.class, e.getCause());
  }

  @Test
  void aTokenIsWhoTheTokenReviewSaysAndOnlyTheNamedServiceAccountsAreSidecars() throws Exception {
    KubernetesReviews r = reviews(10_000);
    Identity alice = get(r.authenticate("alice-token"));
    assertEquals("alice", alice.user());
    assertEquals(Set.of("devs"), alice.groups(), "a token cannot claim the sidecars' group");
    Identity sidecar = get(r.authenticate("sidecar-token"));
    assertTrue(sidecar.sidecar());
    ApiFailure expired = failure(r.authenticate("old-token"));
    assertInstanceOf(ApiFailure.Unauthenticated.class, expired);
    assertTrue(expired.getMessage().contains("token has expired"), expired.getMessage());
    assertInstanceOf(ApiFailure.Unauthenticated.class, failure(r.authenticate(null)));
  }

  @Test
  void whatACallerMayDoIsWhatTheAccessReviewAllows() throws Exception {
    KubernetesReviews r = reviews(10_000);
    Identity alice = get(r.authenticate("alice-token"));
    get(r.check(alice, Action.REGISTER, "myapp"));
    get(r.check(alice, Action.RENEW, "myapp"));
    ApiFailure denied = failure(r.check(alice, Action.DELETE, "myapp"));
    assertInstanceOf(ApiFailure.Forbidden.class, denied);
    assertTrue(denied.getMessage().contains("may not delete intercepts.intercept.dev 'myapp'"));
    assertInstanceOf(ApiFailure.Forbidden.class, failure(r.check(alice, Action.REGISTER, "other")));
    assertInstanceOf(
        ApiFailure.Forbidden.class, failure(r.check(alice, Action.POLL_ROUTES, "myapp")));
    Identity sidecar = get(r.authenticate("sidecar-token"));
    get(r.check(sidecar, Action.POLL_ROUTES, "myapp"));
    assertInstanceOf(
        ApiFailure.Forbidden.class, failure(r.check(sidecar, Action.REGISTER, "myapp")));
    Identity admin = get(r.authenticate("admin-token"));
    get(r.check(admin, Action.REVOKE, "myapp"));
  }

  @Test
  void answersAreCachedBrieflyAndNotAtAllWithoutACache() throws Exception {
    KubernetesReviews cached = reviews(60_000);
    for (int i = 0; i < 5; i++) {
      get(cached.check(get(cached.authenticate("alice-token")), Action.RENEW, "myapp"));
    }
    assertEquals(1, tokenReviews.get());
    assertEquals(1, accessReviews.get());
    KubernetesReviews uncached = reviews(0);
    for (int i = 0; i < 3; i++) {
      get(uncached.check(get(uncached.authenticate("alice-token")), Action.RENEW, "myapp"));
    }
    assertEquals(4, tokenReviews.get());
    assertEquals(4, accessReviews.get());
  }

  @Test
  void anApiServerThatDoesNotAnswerIsA503NotAGuess() throws Exception {
    KubernetesReviews r = reviews(10_000);
    server.destroy();
    ApiFailure f = failure(r.authenticate("alice-token"));
    assertInstanceOf(ApiFailure.Unavailable.class, f);
    assertEquals(503, f.status());
  }
}

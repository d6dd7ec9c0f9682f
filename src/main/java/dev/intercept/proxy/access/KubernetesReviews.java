package dev.intercept.proxy.access;

import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.Identity;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * --auth=kubernetes, as Telepresence's traffic-manager and kube-rbac-proxy do it: a bearer token is
 * whoever a TokenReview says it is; what they may do is what a SubjectAccessReview allows on
 * resource {@code intercepts} of group {@code intercept.dev} in the configured namespace (the app's
 * name as resource name). Sidecars are the service accounts named in config. Answers are cached
 * briefly; a review the API server cannot answer is a 503, never a guess.
 */
public final class KubernetesReviews implements Authenticator, Authorizer {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesReviews.class);
  static final String API_GROUP = "intercept.dev";
  static final String RESOURCE = "intercepts";

  private final Vertx vertx;
  private final KubernetesClient client;
  private final String namespace;
  private final Set<String> sidecarUsers;
  private final ReviewCache<Identity> tokens;
  private final ReviewCache<Boolean> access;

  /** {@code sidecarAccounts}: "NAMESPACE:NAME" of the sidecars' service accounts. */
  public KubernetesReviews(
      Vertx vertx,
      KubernetesClient client,
      String namespace,
      List<String> sidecarAccounts,
      long cacheMs) {
    this.vertx = vertx;
    this.client = client;
    this.namespace = namespace;
    this.sidecarUsers = new HashSet<>();
    sidecarAccounts.forEach(a -> sidecarUsers.add("system:serviceaccount:" + a));
    this.tokens = new ReviewCache<>(cacheMs, System::currentTimeMillis);
    this.access = new ReviewCache<>(cacheMs, System::currentTimeMillis);
  }

  @Override
  public Future<Identity> authenticate(String token) {
    if (token == null) {
      return Future.failedFuture(
          new ApiFailure.Unauthenticated(
              "a bearer token is required (Authorization: Bearer TOKEN)"));
    }
    return tokens.get(Bearer.digest(token), () -> review(token));
  }

  private Future<Identity> review(String token) {
    TokenReview asked = new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build();
    return vertx
        .executeBlocking(() -> client.tokenReviews().create(asked))
        .recover(e -> unavailable("token review", e))
        .map(this::identity);
  }

  private Identity identity(TokenReview answer) {
    TokenReviewStatus s = answer.getStatus();
    if (s == null || !Boolean.TRUE.equals(s.getAuthenticated()) || s.getUser() == null) {
      String why =
          s == null || s.getError() == null || s.getError().isBlank() ? "" : ": " + s.getError();
      throw new ApiFailure.Unauthenticated("the Kubernetes API did not accept the token" + why);
    }
    Set<String> groups = new TreeSet<>();
    if (s.getUser().getGroups() != null) {
      groups.addAll(s.getUser().getGroups());
    }
    String user = s.getUser().getUsername();
    // only the sidecars' own service accounts are sidecars, whatever groups a token claims
    groups.remove(Identity.SIDECARS);
    if (sidecarUsers.contains(user)) {
      groups.add(Identity.SIDECARS);
    }
    return new Identity(user, s.getUser().getUid() == null ? "" : s.getUser().getUid(), groups);
  }

  @Override
  public Future<Void> check(Identity who, Action action, String app) {
    if (action == Action.POLL_ROUTES) {
      return who.sidecar()
          ? Future.succeededFuture()
          : Future.failedFuture(
              new ApiFailure.Forbidden(
                  who.user() + " is not a sidecar service account: only sidecars poll routes"));
    }
    if (who.sidecar() && !who.admin()) {
      return Future.failedFuture(
          new ApiFailure.Forbidden(who.user() + " is a sidecar: it may only poll routes"));
    }
    if (action == Action.REVOKE && who.admin()) {
      return Future.succeededFuture();
    }
    String key =
        who.user()
            + "|"
            + String.join(",", new TreeSet<>(who.groups()))
            + "|"
            + action.verb()
            + "|"
            + app;
    return access
        .get(key, () -> allowed(who, action, app))
        .compose(
            ok ->
                ok
                    ? Future.succeededFuture()
                    : Future.failedFuture(
                        new ApiFailure.Forbidden(
                            who.user()
                                + " may not "
                                + action.verb()
                                + " "
                                + RESOURCE
                                + "."
                                + API_GROUP
                                + " '"
                                + app
                                + "' in namespace "
                                + namespace
                                + " (RBAC; see docs/security.md)")));
  }

  private Future<Boolean> allowed(Identity who, Action action, String app) {
    SubjectAccessReview asked =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser(who.user())
            .withUid(who.uid())
            .withGroups(List.copyOf(who.groups()))
            .withNewResourceAttributes()
            .withGroup(API_GROUP)
            .withResource(RESOURCE)
            .withVerb(action.verb())
            .withNamespace(namespace)
            .withName(app)
            .endResourceAttributes()
            .endSpec()
            .build();
    return vertx
        .executeBlocking(() -> client.authorization().v1().subjectAccessReview().create(asked))
        .recover(e -> unavailable("access review", e))
        .map(
            answer -> {
              SubjectAccessReviewStatus s = answer.getStatus();
              return s != null && Boolean.TRUE.equals(s.getAllowed());
            });
  }

  private <T> Future<T> unavailable(String what, Throwable e) {
    LOG.warn("{} failed: {}", what, e.toString());
    return Future.failedFuture(
        new ApiFailure.Unavailable("the Kubernetes API did not answer the " + what + "; retry"));
  }
}

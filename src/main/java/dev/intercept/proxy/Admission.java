package dev.intercept.proxy;

import dev.intercept.policy.InterceptPolicy;
import dev.intercept.policy.InterceptPolicy.Candidate;
import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.Intercept;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether a registration may be stored (docs/policy.md): the caller's share, then the policy's
 * analysis against the app's other intercepts. The analysis (up to policy-deadline-ms) runs before
 * the registry's cluster-wide lock is taken, against the intercepts of that moment; under the lock
 * it runs again only if the app's intercepts changed meanwhile, so one slow analysis does not hold
 * every other registration up.
 */
final class Admission {
  private final InterceptPolicy policy;
  private final int maxPerIdentity;

  Admission(InterceptPolicy policy, int maxPerIdentity) {
    this.policy = policy;
    this.maxPerIdentity = maxPerIdentity;
  }

  /**
   * Before the lock: {@code i} checked against {@code all}; the intercepts it was checked against.
   */
  Future<List<Intercept>> analyse(Candidate c, Map<String, Intercept> all, Intercept i) {
    checkShare(all.values(), i, c);
    List<Intercept> others = others(all, i);
    return policy.admit(c, others).map(v -> others);
  }

  /** Under the lock: the share again, and the analysis again if the app's intercepts changed. */
  Future<Void> confirm(
      Candidate c, Map<String, Intercept> all, Intercept i, List<Intercept> checked) {
    checkShare(all.values(), i, c);
    List<Intercept> others = others(all, i);
    return seen(others).equals(seen(checked)) ? Future.succeededFuture() : policy.admit(c, others);
  }

  /** The app's intercepts other than {@code i}. */
  private static List<Intercept> others(Map<String, Intercept> all, Intercept i) {
    return all.values().stream()
        .filter(o -> o.app().equals(i.app()) && !o.key().equals(i.key()))
        .toList();
  }

  /** What the analysis looks at: each intercept's name, owner and matchers. */
  private static Set<List<Object>> seen(List<Intercept> intercepts) {
    return intercepts.stream()
        .map(o -> List.<Object>of(o.key(), o.owner(), o.matchers()))
        .collect(Collectors.toSet());
  }

  /** A per-identity cap on intercepts: a new one over it is a 429 (re-registering is not new). */
  private void checkShare(Collection<Intercept> all, Intercept i, Candidate c) {
    String user = c.owner().user();
    long mine =
        all.stream().filter(o -> o.owner().equals(user) && !o.key().equals(i.key())).count();
    if (mine >= maxPerIdentity) {
      throw new ApiFailure.TooMany(
          user
              + " has "
              + mine
              + " intercepts, the most one identity may hold (max-intercepts-per-identity);"
              + " remove one first");
    }
  }
}

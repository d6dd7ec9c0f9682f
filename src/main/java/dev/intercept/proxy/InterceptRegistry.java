package dev.intercept.proxy;

import dev.intercept.policy.InterceptPolicy;
import dev.intercept.policy.InterceptPolicy.Candidate;
import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.Identity;
import dev.intercept.protocol.Intercept;
import dev.intercept.protocol.InterceptRequest;
import dev.intercept.protocol.RouteTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Intercepts, their forward ports and leases. Every change runs under one cluster-wide lock, bumps
 * the app's route-table version and publishes {@link BusAddresses#INTERCEPTS_CHANGED}; refusals are
 * {@link ApiFailure}s.
 */
public class InterceptRegistry {
  private final InterceptStore store;
  private final Admission admission;
  private final List<Integer> portPool;
  private final long leaseMillis;
  private final Supplier<Long> clock;
  private final String replicaId;

  public InterceptRegistry(
      Vertx vertx,
      List<Integer> portPool,
      long leaseMillis,
      Supplier<Long> clock,
      String replicaId,
      InterceptPolicy policy,
      int maxPerIdentity) {
    this.store = new InterceptStore(vertx, clock);
    this.admission = new Admission(policy, maxPerIdentity);
    this.replicaId = replicaId;
    this.portPool = List.copyOf(portPool);
    this.leaseMillis = leaseMillis;
    this.clock = clock;
  }

  public long leaseMillis() {
    return leaseMillis;
  }

  public String replicaId() {
    return replicaId;
  }

  public Future<List<Intercept>> list(String app) {
    return store.list(app);
  }

  public Future<Intercept> get(String app, String name) {
    return store.get(app, name);
  }

  /**
   * Creates the intercept, or refreshes it when the same owner registers the same name again (a
   * client re-registering keeps its port). The policy's analysis (up to policy-deadline-ms) runs
   * before the cluster-wide lock is taken, against the intercepts of that moment; under the lock it
   * runs again only if the app's intercepts changed meanwhile, so one slow analysis does not hold
   * every other registration up.
   */
  public Future<Intercept> create(String app, String name, InterceptRequest req, Identity who) {
    Candidate candidate = new Candidate(app, name, req.matchers(), who);
    return store
        .sidecarSeenAt(app)
        .compose(
            seenAt ->
                store
                    .all()
                    .compose(
                        before ->
                            admission.analyse(
                                candidate,
                                before,
                                created(before, app, name, req, who.user(), seenAt != null)))
                    .compose(
                        checked ->
                            store.locked(
                                () ->
                                    store
                                        .all()
                                        .compose(
                                            all -> {
                                              Intercept i =
                                                  created(
                                                      all,
                                                      app,
                                                      name,
                                                      req,
                                                      who.user(),
                                                      seenAt != null);
                                              return admission
                                                  .confirm(candidate, all, i, checked)
                                                  .compose(v -> store.put(i))
                                                  .compose(v -> store.bumpVersion(app))
                                                  .map(v -> i);
                                            }))));
  }

  private Intercept created(
      Map<String, Intercept> all,
      String app,
      String name,
      InterceptRequest req,
      String owner,
      boolean sidecarSeen) {
    long now = clock.get();
    Intercept existing = all.get(Intercept.key(app, name));
    if (existing != null) {
      if (!owner.equals(existing.owner())) {
        throw new ApiFailure.NotOwner(
            "intercept '"
                + name
                + "' of app '"
                + app
                + "' belongs to "
                + existing.owner()
                + "; choose another --name");
      }
      return new Intercept(
          app,
          name,
          req.matchers(),
          existing.port(),
          existing.tunnel(),
          existing.tunnelReplica(),
          existing.owner(),
          req.publicKey(),
          existing.seq(),
          existing.createdAt(),
          now + leaseMillis);
    }
    if (!sidecarSeen) {
      throw new ApiFailure.NotFound(
          "no sidecar with APPNAME="
              + app
              + " has connected to the proxy: check the app's name and that its pods run the"
              + " intercept sidecar");
    }
    int port = freePort(all.values());
    long seq = all.values().stream().mapToLong(Intercept::seq).max().orElse(0) + 1;
    return new Intercept(
        app,
        name,
        req.matchers(),
        port,
        null,
        null,
        owner,
        req.publicKey(),
        seq,
        now,
        now + leaseMillis);
  }

  private int freePort(Collection<Intercept> all) {
    Set<Integer> used = all.stream().map(Intercept::port).collect(Collectors.toSet());
    return portPool.stream()
        .filter(p -> !used.contains(p))
        .findFirst()
        .orElseThrow(
            () ->
                new ApiFailure.NoFreePort(
                    "all "
                        + portPool.size()
                        + " forward ports of the proxy are in use; remove an intercept or widen"
                        + " --forward-ports"));
  }

  /** Forgets the apps no sidecar polled for {@code quietMillis}; returns their names. */
  public Future<List<String>> forgetQuietApps(long quietMillis) {
    long cutoff = clock.get() - quietMillis;
    return store.locked(() -> store.forgetAppsSeenBefore(cutoff));
  }

  /** Every known app and when a sidecar of it last polled (the status page). */
  public Future<Map<String, Long>> sidecarsSeen() {
    return store.sidecarsSeen();
  }

  /** A sidecar of this app polled: intercepts of the app may be created. */
  public Future<Void> sidecarSeen(String app) {
    return store.sidecarSeen(app);
  }

  /** Extends the lease of {@code owner}'s intercept. */
  public Future<Intercept> renew(String app, String name, String owner) {
    return store.locked(
        () ->
            existing(app, name, owner)
                .compose(
                    i -> {
                      Intercept renewed = i.withExpiresAt(clock.get() + leaseMillis);
                      return store.put(renewed).map(v -> renewed);
                    }));
  }

  /** Deletes; with {@code owner} given, only if that identity owns it (null: an admin's revoke). */
  public Future<Intercept> delete(String app, String name, String owner) {
    return store.locked(
        () ->
            existing(app, name, owner)
                .compose(i -> store.remove(i).compose(v -> store.bumpVersion(app)).map(v -> i)));
  }

  /** The intercept, owned by {@code owner} when one is given; else the failure that says why. */
  private Future<Intercept> existing(String app, String name, String owner) {
    return store
        .get(app, name)
        .map(
            i -> {
              if (i == null) {
                throw new ApiFailure.NotFound("no intercept '" + name + "' on app '" + app + "'");
              }
              if (owner != null && !owner.equals(i.owner())) {
                throw new ApiFailure.NotOwner(
                    "intercept '" + name + "' of app '" + app + "' belongs to " + i.owner());
              }
              return i;
            });
  }

  /**
   * Marks the intercept's tunnel up on this replica at {@code target}, or down (null). A down only
   * applies while the record still names this replica and that target, so a replica never erases
   * the newer tunnel another replica holds. Returns false when the intercept is gone.
   */
  public Future<Boolean> setTunnel(
      String app, String name, HostPort target, HostPort downIfCurrent) {
    return store.locked(
        () ->
            store
                .get(app, name)
                .compose(
                    i -> {
                      if (i == null) {
                        return Future.succeededFuture(false);
                      }
                      boolean ours = replicaId.equals(i.tunnelReplica());
                      boolean unchanged =
                          target != null
                              ? target.equals(i.tunnel()) && ours
                              : i.tunnel() == null || !downIfCurrent.equals(i.tunnel()) || !ours;
                      if (unchanged) {
                        return Future.succeededFuture(true);
                      }
                      return store
                          .put(i.withTunnel(target, replicaId))
                          .compose(v -> store.bumpVersion(app))
                          .map(v -> true);
                    }));
  }

  /**
   * A replica left the cluster: its tunnels are down (routes fail open) until clients reconnect.
   */
  public Future<List<Intercept>> tunnelsLost(String goneReplica) {
    return changeEach(
        i -> goneReplica.equals(i.tunnelReplica()), i -> store.put(i.withTunnel(null, null)));
  }

  /** Removes every intercept whose lease has lapsed; returns them. */
  public Future<List<Intercept>> reapExpired() {
    long now = clock.get();
    return changeEach(i -> i.expiresAt() <= now, store::remove);
  }

  /**
   * Under the lock, applies {@code change} to every intercept {@code which} picks, bumping its
   * app's version after each; returns the ones picked.
   */
  private Future<List<Intercept>> changeEach(
      Predicate<Intercept> which, Function<Intercept, Future<?>> change) {
    return store.locked(
        () ->
            store
                .list(null)
                .compose(
                    all -> {
                      List<Intercept> picked = all.stream().filter(which).toList();
                      return InterceptStore.each(
                              picked, i -> change.apply(i).compose(v -> store.bumpVersion(i.app())))
                          .map(v -> picked);
                    }));
  }

  public Future<RouteTable> routes(String app) {
    return store
        .version(app)
        .compose(version -> store.list(app).map(all -> RouteTable.of(app, version, all)));
  }
}

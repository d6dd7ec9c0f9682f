package dev.intercept.proxy;

import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.Intercept;
import dev.intercept.protocol.InterceptRequest;
import dev.intercept.protocol.InvalidInputException;
import dev.intercept.protocol.RouteTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Intercepts, their forward ports and leases, kept in Vert.x shared data: local maps in one
 * process, Hazelcast maps once the proxy runs clustered (issue 4), with the same code. Every change
 * runs under one lock, bumps the app's route-table version and publishes {@link
 * BusAddresses#INTERCEPTS_CHANGED}.
 */
public class InterceptRegistry {
  private static final String LOCK = "intercept.registry";
  private static final long LOCK_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final List<Integer> portPool;
  private final long leaseMillis;
  private final Supplier<Long> clock;
  private final String replicaId;

  public InterceptRegistry(
      Vertx vertx,
      List<Integer> portPool,
      long leaseMillis,
      Supplier<Long> clock,
      String replicaId) {
    this.vertx = vertx;
    this.replicaId = replicaId;
    this.portPool = List.copyOf(portPool);
    this.leaseMillis = leaseMillis;
    this.clock = clock;
  }

  public long leaseMillis() {
    return leaseMillis;
  }

  private Future<AsyncMap<String, String>> intercepts() {
    return vertx.sharedData().getAsyncMap("intercepts");
  }

  private Future<AsyncMap<String, Long>> versions() {
    return vertx.sharedData().getAsyncMap("route.versions");
  }

  private <T> Future<T> locked(Supplier<Future<T>> body) {
    return vertx
        .sharedData()
        .getLockWithTimeout(LOCK, LOCK_TIMEOUT_MS)
        .recover(e -> Future.failedFuture(new IllegalStateException("registry is busy, try again")))
        .compose(
            lock -> {
              Future<T> f;
              try {
                f = body.get();
              } catch (RuntimeException e) {
                f = Future.failedFuture(e);
              }
              return f.andThen(ar -> lock.release());
            });
  }

  public Future<List<Intercept>> list(String app) {
    return intercepts().compose(AsyncMap::entries).map(m -> sorted(m, app));
  }

  private static List<Intercept> sorted(Map<String, String> raw, String app) {
    List<Intercept> out = new ArrayList<>();
    for (String json : raw.values()) {
      Intercept i = Intercept.fromJson(new JsonObject(json));
      if (app == null || i.app().equals(app)) {
        out.add(i);
      }
    }
    out.sort(Comparator.comparingLong(Intercept::seq));
    return out;
  }

  public Future<Intercept> get(String app, String name) {
    return intercepts()
        .compose(m -> m.get(Intercept.key(app, name)))
        .map(json -> json == null ? null : Intercept.fromJson(new JsonObject(json)));
  }

  /**
   * Creates the intercept, or refreshes it when the same owner registers the same name again (a
   * client re-registering keeps its port).
   */
  public Future<Intercept> create(String app, String name, InterceptRequest req) {
    return sidecars()
        .compose(seen -> seen.get(app))
        .compose(
            seenAt ->
                locked(
                    () ->
                        intercepts()
                            .compose(
                                map ->
                                    map.entries()
                                        .compose(
                                            all -> {
                                              long now = clock.get();
                                              Intercept existing =
                                                  all.containsKey(Intercept.key(app, name))
                                                      ? Intercept.fromJson(
                                                          new JsonObject(
                                                              all.get(Intercept.key(app, name))))
                                                      : null;
                                              Intercept created;
                                              if (existing != null) {
                                                if (req.owner() == null
                                                    || !req.owner().equals(existing.owner())) {
                                                  return Future.failedFuture(
                                                      new InvalidInputException(
                                                          409,
                                                          "intercept '"
                                                              + name
                                                              + "' of app '"
                                                              + app
                                                              + "' already exists and belongs to another client;"
                                                              + " choose another --name"));
                                                }
                                                created =
                                                    new Intercept(
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
                                              } else {
                                                if (seenAt == null) {
                                                  return Future.failedFuture(
                                                      new InvalidInputException(
                                                          404,
                                                          "no sidecar with APPNAME="
                                                              + app
                                                              + " has connected to the proxy: check the app's name and that its pods run the intercept sidecar"));
                                                }
                                                Integer port = freePort(all);
                                                if (port == null) {
                                                  return Future.failedFuture(
                                                      new InvalidInputException(
                                                          503,
                                                          "all "
                                                              + portPool.size()
                                                              + " forward ports of the proxy are in use; remove an intercept or widen --forward-ports"));
                                                }
                                                long seq =
                                                    all.values().stream()
                                                            .mapToLong(
                                                                j ->
                                                                    new JsonObject(j)
                                                                        .getLong("seq", 0L))
                                                            .max()
                                                            .orElse(0)
                                                        + 1;
                                                String owner =
                                                    req.owner() == null
                                                        ? "anonymous-" + java.util.UUID.randomUUID()
                                                        : req.owner();
                                                created =
                                                    new Intercept(
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
                                              return map.put(
                                                      created.key(), created.toJson().encode())
                                                  .compose(v -> bumpVersion(app))
                                                  .map(v -> created);
                                            }))));
  }

  private Future<AsyncMap<String, Long>> sidecars() {
    return vertx.sharedData().getAsyncMap("sidecars.seen");
  }

  /** A sidecar of this app polled: intercepts of the app may be created. */
  public Future<Void> sidecarSeen(String app) {
    return sidecars().compose(m -> m.put(app, clock.get()));
  }

  private Integer freePort(Map<String, String> all) {
    Set<Integer> used = new HashSet<>();
    all.values().forEach(j -> used.add(new JsonObject(j).getInteger("port")));
    return portPool.stream().filter(p -> !used.contains(p)).findFirst().orElse(null);
  }

  public Future<Intercept> renew(String app, String name, String owner) {
    return locked(
        () ->
            intercepts()
                .compose(
                    map ->
                        map.get(Intercept.key(app, name))
                            .compose(
                                json -> {
                                  if (json == null) {
                                    return Future.failedFuture(notFound(app, name));
                                  }
                                  Intercept current = Intercept.fromJson(new JsonObject(json));
                                  checkOwner(current, owner);
                                  Intercept renewed =
                                      current.withExpiresAt(clock.get() + leaseMillis);
                                  return map.put(renewed.key(), renewed.toJson().encode())
                                      .map(v -> renewed);
                                })));
  }

  /** Deletes; with an owner given, only that owner's intercept. */
  public Future<Intercept> delete(String app, String name, String owner) {
    return locked(
        () ->
            intercepts()
                .compose(
                    map ->
                        map.get(Intercept.key(app, name))
                            .compose(
                                json -> {
                                  if (json == null) {
                                    return Future.failedFuture(notFound(app, name));
                                  }
                                  Intercept removed = Intercept.fromJson(new JsonObject(json));
                                  checkOwner(removed, owner);
                                  return map.remove(removed.key())
                                      .compose(x -> bumpVersion(app))
                                      .map(
                                          v -> {
                                            announceRemoved(removed);
                                            return removed;
                                          });
                                })));
  }

  /**
   * Marks the intercept's tunnel up on this replica at {@code target}, or down (null). A down only
   * applies while the record still names this replica and that target, so a replica never erases
   * the newer tunnel another replica holds. Returns false when the intercept is gone.
   */
  public Future<Boolean> setTunnel(
      String app, String name, HostPort target, HostPort downIfCurrent) {
    return locked(
        () ->
            intercepts()
                .compose(
                    map ->
                        map.get(Intercept.key(app, name))
                            .compose(
                                json -> {
                                  if (json == null) {
                                    return Future.succeededFuture(false);
                                  }
                                  Intercept i = Intercept.fromJson(new JsonObject(json));
                                  boolean unchanged =
                                      target != null
                                          ? target.equals(i.tunnel())
                                              && replicaId.equals(i.tunnelReplica())
                                          : i.tunnel() == null
                                              || !downIfCurrent.equals(i.tunnel())
                                              || !replicaId.equals(i.tunnelReplica());
                                  if (unchanged) {
                                    return Future.succeededFuture(true);
                                  }
                                  return map.put(
                                          i.key(),
                                          i.withTunnel(target, replicaId).toJson().encode())
                                      .compose(v -> bumpVersion(app))
                                      .map(v -> true);
                                })));
  }

  /**
   * A replica left the cluster: its tunnels are down (routes fail open) until clients reconnect.
   */
  public Future<List<Intercept>> tunnelsLost(String goneReplica) {
    return locked(
        () ->
            intercepts()
                .compose(
                    map ->
                        map.entries()
                            .compose(
                                all -> {
                                  List<Intercept> lost =
                                      sorted(all, null).stream()
                                          .filter(i -> goneReplica.equals(i.tunnelReplica()))
                                          .toList();
                                  Future<Void> chain = Future.succeededFuture();
                                  for (Intercept i : lost) {
                                    chain =
                                        chain
                                            .compose(
                                                v ->
                                                    map.put(
                                                        i.key(),
                                                        i.withTunnel(null, null).toJson().encode()))
                                            .compose(v -> bumpVersion(i.app()))
                                            .mapEmpty();
                                  }
                                  return chain.map(v -> lost);
                                })));
  }

  public String replicaId() {
    return replicaId;
  }

  /** Removes every intercept whose lease has lapsed; returns them. */
  public Future<List<Intercept>> reapExpired() {
    return locked(
        () ->
            intercepts()
                .compose(
                    map ->
                        map.entries()
                            .compose(
                                all -> {
                                  long now = clock.get();
                                  List<Intercept> expired =
                                      sorted(all, null).stream()
                                          .filter(i -> i.expiresAt() <= now)
                                          .toList();
                                  Future<Void> chain = Future.succeededFuture();
                                  for (Intercept i : expired) {
                                    chain =
                                        chain
                                            .compose(v -> map.remove(i.key()))
                                            .compose(v -> bumpVersion(i.app()))
                                            .map(
                                                v -> {
                                                  announceRemoved(i);
                                                  return null;
                                                });
                                  }
                                  return chain.map(v -> expired);
                                })));
  }

  public Future<RouteTable> routes(String app) {
    long now = clock.get();
    return versions()
        .compose(v -> v.putIfAbsent(app, now))
        .map(prev -> prev != null ? prev : now)
        .compose(version -> list(app).map(all -> RouteTable.of(app, version, all)));
  }

  /** Versions only grow, even across restarts: max(previous + 1, now in ms). */
  private Future<Long> bumpVersion(String app) {
    return versions()
        .compose(
            v ->
                v.get(app)
                    .compose(
                        prev -> {
                          long next = Math.max(prev == null ? 0 : prev + 1, clock.get());
                          return v.put(app, next)
                              .map(
                                  x -> {
                                    vertx
                                        .eventBus()
                                        .publish(
                                            BusAddresses.INTERCEPTS_CHANGED,
                                            new JsonObject().put("app", app).put("version", next));
                                    return next;
                                  });
                        }));
  }

  private void announceRemoved(Intercept i) {
    vertx
        .eventBus()
        .publish(
            BusAddresses.INTERCEPT_REMOVED,
            new JsonObject().put("app", i.app()).put("name", i.name()).put("port", i.port()));
  }

  private static void checkOwner(Intercept i, String owner) {
    if (owner != null && !owner.equals(i.owner())) {
      throw new InvalidInputException(
          409, "intercept '" + i.name() + "' of app '" + i.app() + "' belongs to another client");
    }
  }

  static InvalidInputException notFound(String app, String name) {
    return new InvalidInputException(404, "no intercept '" + name + "' on app '" + app + "'");
  }
}

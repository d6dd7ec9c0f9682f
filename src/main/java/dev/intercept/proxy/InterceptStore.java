package dev.intercept.proxy;

import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.BusEvents.InterceptRemoved;
import dev.intercept.protocol.BusEvents.InterceptsChanged;
import dev.intercept.protocol.Intercept;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where the registry keeps its state: Vert.x shared data, local maps in one process and Hazelcast
 * maps once the proxy runs clustered, with the same code. Intercepts are stored as JSON by key
 * {@code app/name}; route-table versions and the apps whose sidecar polled sit beside them.
 */
final class InterceptStore {
  private static final String LOCK = "intercept.registry";
  private static final long LOCK_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final Supplier<Long> clock;

  InterceptStore(Vertx vertx, Supplier<Long> clock) {
    this.vertx = vertx;
    this.clock = clock;
  }

  private Future<AsyncMap<String, String>> intercepts() {
    return vertx.sharedData().getAsyncMap("intercepts");
  }

  private Future<AsyncMap<String, Long>> versions() {
    return vertx.sharedData().getAsyncMap("route.versions");
  }

  private Future<AsyncMap<String, Long>> sidecars() {
    return vertx.sharedData().getAsyncMap("sidecars.seen");
  }

  /** Runs {@code body} under the registry's one cluster-wide lock. */
  <T> Future<T> locked(Supplier<Future<T>> body) {
    return vertx
        .sharedData()
        .getLockWithTimeout(LOCK, LOCK_TIMEOUT_MS)
        .recover(
            e -> Future.failedFuture(new ApiFailure.RegistryBusy("registry is busy, try again")))
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

  /** Every intercept (of {@code app}, or all when null), in creation order. */
  Future<List<Intercept>> list(String app) {
    return intercepts()
        .compose(AsyncMap::entries)
        .map(
            raw -> {
              List<Intercept> out = new ArrayList<>();
              for (String json : raw.values()) {
                Intercept i = decode(json);
                if (app == null || i.app().equals(app)) {
                  out.add(i);
                }
              }
              out.sort(Comparator.comparingLong(Intercept::seq));
              return out;
            });
  }

  Future<Intercept> get(String app, String name) {
    return intercepts()
        .compose(m -> m.get(Intercept.key(app, name)))
        .map(json -> json == null ? null : decode(json));
  }

  private static Intercept decode(String json) {
    return Intercept.fromJson(new JsonObject(json));
  }

  Future<Void> put(Intercept i) {
    return intercepts().compose(m -> m.put(i.key(), i.toJson().encode()));
  }

  /** Removes the intercept and tells the SSH servers to close its tunnel. */
  Future<Void> remove(Intercept i) {
    return intercepts()
        .compose(m -> m.remove(i.key()))
        .map(
            x -> {
              vertx
                  .eventBus()
                  .publish(
                      BusAddresses.INTERCEPT_REMOVED,
                      new InterceptRemoved(i.app(), i.name(), i.port()).toJson());
              return null;
            });
  }

  /** Applies {@code change} to each intercept in turn, one after the other. */
  static Future<Void> each(List<Intercept> intercepts, Function<Intercept, Future<?>> change) {
    Future<Void> chain = Future.succeededFuture();
    for (Intercept i : intercepts) {
      chain = chain.compose(v -> change.apply(i)).mapEmpty();
    }
    return chain;
  }

  /** The app's route-table version, created on first use. */
  Future<Long> version(String app) {
    long now = clock.get();
    return versions().compose(v -> v.putIfAbsent(app, now)).map(prev -> prev != null ? prev : now);
  }

  /**
   * A new version for the app's table, announced on the bus. Versions only grow, even across
   * restarts: max(previous + 1, now in ms).
   */
  Future<Long> bumpVersion(String app) {
    return versions()
        .compose(
            v ->
                v.get(app)
                    .compose(
                        prev -> {
                          long next = Math.max(prev == null ? 0 : prev + 1, clock.get());
                          return v.put(app, next).map(x -> announce(app, next));
                        }));
  }

  private long announce(String app, long version) {
    vertx
        .eventBus()
        .publish(BusAddresses.INTERCEPTS_CHANGED, new InterceptsChanged(app, version).toJson());
    return version;
  }

  /** A sidecar of this app polled: intercepts of the app may be created. */
  Future<Void> sidecarSeen(String app) {
    return sidecars().compose(m -> m.put(app, clock.get()));
  }

  /**
   * Forgets the apps no sidecar has polled since {@code cutoff} (bounded state: a name polled once
   * does not stay forever); returns them. Their version goes too: a new one is the time, larger.
   */
  Future<List<String>> forgetAppsSeenBefore(long cutoff) {
    return sidecars()
        .compose(
            m ->
                m.entries()
                    .compose(
                        all -> {
                          List<String> quiet =
                              all.entrySet().stream()
                                  .filter(e -> e.getValue() < cutoff)
                                  .map(Map.Entry::getKey)
                                  .toList();
                          Future<Void> chain = Future.succeededFuture();
                          for (String app : quiet) {
                            chain =
                                chain
                                    .compose(v -> m.remove(app))
                                    .compose(v -> versions())
                                    .compose(v -> v.remove(app))
                                    .mapEmpty();
                          }
                          return chain.map(v -> quiet);
                        }));
  }

  /** Every known app and when a sidecar of it last polled. */
  Future<Map<String, Long>> sidecarsSeen() {
    return sidecars().compose(AsyncMap::entries);
  }

  /** When a sidecar of the app last polled, or null if none ever did. */
  Future<Long> sidecarSeenAt(String app) {
    return sidecars().compose(m -> m.get(app));
  }

  /** Every intercept, by key, for decisions that need the whole table (ports, order). */
  Future<Map<String, Intercept>> all() {
    return list(null)
        .map(
            l -> {
              Map<String, Intercept> m = new LinkedHashMap<>();
              l.forEach(i -> m.put(i.key(), i));
              return m;
            });
  }
}

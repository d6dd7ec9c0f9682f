package dev.intercept.proxy;

import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.Intercept;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

/**
 * Intercepts removed with {@code leave} (from another terminal), remembered cluster-wide for a
 * while so the client that still runs them stops instead of registering them again: its renewal is
 * answered 410, and so is a registration with the same tunnel key. A new run (a new key) may take
 * the name at once, and ends the memory.
 */
final class Departures {
  private final Vertx vertx;
  private final long rememberMillis;

  Departures(Vertx vertx, long rememberMillis) {
    this.vertx = vertx;
    this.rememberMillis = rememberMillis;
  }

  private Future<AsyncMap<String, String>> left() {
    return vertx.sharedData().getAsyncMap("intercepts.left");
  }

  /** {@code i} was removed with leave: remember its tunnel key. */
  Future<Void> record(Intercept i) {
    return left().compose(m -> m.put(i.key(), i.publicKey(), rememberMillis));
  }

  /**
   * Before a registration: 410 when it comes from the run that was told to leave (the same key);
   * else the name is free again.
   */
  Future<Void> admit(String app, String name, String publicKey) {
    String key = Intercept.key(app, name);
    return left()
        .compose(
            m ->
                m.get(key)
                    .compose(
                        k -> {
                          if (k == null) {
                            return Future.succeededFuture();
                          }
                          if (k.equals(publicKey)) {
                            return Future.failedFuture(gone(app, name));
                          }
                          return m.remove(key).mapEmpty();
                        }));
  }

  /** A renewal found nothing: 410 when the intercept was removed with leave, else {@code e}. */
  Future<Intercept> explain(String app, String name, Throwable e) {
    if (!(e instanceof ApiFailure.NotFound)) {
      return Future.failedFuture(e);
    }
    return left()
        .compose(m -> m.get(Intercept.key(app, name)))
        .compose(k -> Future.failedFuture(k == null ? e : gone(app, name)));
  }

  private static ApiFailure.Gone gone(String app, String name) {
    return new ApiFailure.Gone(
        "intercept '" + name + "' of app '" + app + "' was removed with 'leave'");
  }
}

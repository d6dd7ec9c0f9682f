package dev.intercept.proxy;

import dev.intercept.protocol.Intercept;
import dev.intercept.retry.Periodic;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes intercepts whose lease lapsed (their client stopped renewing), freeing name and port; and
 * once a minute forgets the apps no sidecar has polled for a while.
 */
class LeaseReaper extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseReaper.class);
  private final InterceptRegistry registry;
  private final long forgetAppsMillis;
  private boolean running;
  private final ProxyMetrics metrics;

  LeaseReaper(InterceptRegistry registry, long forgetAppsMillis, ProxyMetrics metrics) {
    this.registry = registry;
    this.metrics = metrics;
    this.forgetAppsMillis = forgetAppsMillis;
  }

  @Override
  public Future<?> start() {
    long period = Math.max(100, Math.min(1_000, registry.leaseMillis() / 4));
    vertx.setPeriodic(period, Periodic.onTimer("lease reaper", this::reap));
    vertx.setPeriodic(
        Math.min(60_000, forgetAppsMillis),
        Periodic.onTimer("app forgetter", this::forgetQuietApps));
    return Future.succeededFuture();
  }

  private void forgetQuietApps() {
    registry
        .forgetQuietApps(forgetAppsMillis)
        .onSuccess(
            apps -> {
              if (!apps.isEmpty()) {
                LOG.info(
                    "no sidecar polled for {} s: forgot apps {}", forgetAppsMillis / 1000, apps);
              }
            })
        .onFailure(e -> LOG.warn("forgetting quiet apps failed: {}", e.toString()));
  }

  private void reap() {
    if (running) {
      return;
    }
    running = true;
    // one replica per tick does the work: whoever holds the reaper lock; the others skip
    attempt(() -> vertx.sharedData().getLockWithTimeout("lease.reaper", 10))
        .onComplete(
            lock -> {
              if (lock.failed()) {
                running = false;
                return;
              }
              attempt(registry::reapExpired)
                  .onComplete(
                      ar -> {
                        lock.result().release();
                        reported(ar);
                      });
            });
  }

  /**
   * An exception thrown instead of a failed future becomes one: else {@code running} would stay set
   * (and the lock held) and no lease would ever lapse again.
   */
  private static <T> Future<T> attempt(Supplier<Future<T>> step) {
    try {
      return step.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private void reported(AsyncResult<List<Intercept>> ar) {
    running = false;
    if (ar.failed()) {
      LOG.warn("lease check failed: {}", ar.cause().getMessage());
    } else {
      metrics.leasesExpired(ar.result().size());
      ar.result()
          .forEach(
              i ->
                  LOG.info(
                      "lease of intercept {} lapsed: removed, port {} free", i.key(), i.port()));
    }
  }
}

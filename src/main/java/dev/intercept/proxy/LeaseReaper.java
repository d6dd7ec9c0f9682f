package dev.intercept.proxy;

import dev.intercept.protocol.Intercept;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;
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

  LeaseReaper(InterceptRegistry registry, long forgetAppsMillis) {
    this.registry = registry;
    this.forgetAppsMillis = forgetAppsMillis;
  }

  @Override
  public Future<?> start() {
    long period = Math.max(100, Math.min(1_000, registry.leaseMillis() / 4));
    vertx.setPeriodic(period, t -> reap());
    vertx.setPeriodic(
        Math.min(60_000, forgetAppsMillis),
        t ->
            registry
                .forgetQuietApps(forgetAppsMillis)
                .onSuccess(
                    apps -> {
                      if (!apps.isEmpty()) {
                        LOG.info(
                            "no sidecar polled for {} s: forgot apps {}",
                            forgetAppsMillis / 1000,
                            apps);
                      }
                    })
                .onFailure(e -> LOG.warn("forgetting quiet apps failed: {}", e.toString())));
    return Future.succeededFuture();
  }

  private void reap() {
    if (running) {
      return;
    }
    running = true;
    // one replica per tick does the work: whoever holds the reaper lock; the others skip
    vertx
        .sharedData()
        .getLockWithTimeout("lease.reaper", 10)
        .onComplete(
            lock -> {
              if (lock.failed()) {
                running = false;
                return;
              }
              registry
                  .reapExpired()
                  .onComplete(
                      ar -> {
                        lock.result().release();
                        reported(ar);
                      });
            });
  }

  private void reported(AsyncResult<List<Intercept>> ar) {
    running = false;
    if (ar.failed()) {
      LOG.warn("lease check failed: {}", ar.cause().getMessage());
    } else {
      ar.result()
          .forEach(
              i ->
                  LOG.info(
                      "lease of intercept {} lapsed: removed, port {} free", i.key(), i.port()));
    }
  }
}

package dev.intercept.proxy;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removes intercepts whose lease lapsed (their client stopped renewing), freeing name and port. */
class LeaseReaper extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseReaper.class);
  private final InterceptRegistry registry;
  private boolean running;

  LeaseReaper(InterceptRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    long period = Math.max(100, Math.min(1_000, registry.leaseMillis() / 4));
    vertx.setPeriodic(period, t -> reap());
    return Future.succeededFuture();
  }

  private void reap() {
    if (running) {
      return;
    }
    running = true;
    registry.reapExpired().onComplete(ar -> {
      running = false;
      if (ar.failed()) {
        LOG.warn("lease check failed: {}", ar.cause().getMessage());
      } else {
        ar.result().forEach(i -> LOG.info("lease of intercept {} lapsed: removed, port {} free", i.key(), i.port()));
      }
    });
  }
}

package dev.intercept.client;

import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.BusEvents.Lease;
import dev.intercept.protocol.BusEvents.LeaseState;
import dev.intercept.protocol.Registration;
import dev.intercept.retry.Backoff;
import dev.intercept.retry.Periodic;
import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * Keeps the intercept's lease: renews it every renew period; when the proxy no longer knows the
 * intercept (lease lapsed, proxy restarted) registers it again with the retry policy; notices a gap
 * longer than the lease (the laptop slept). Reports each change on {@link
 * BusAddresses#LEASE_STATE}.
 */
final class LeaseKeeper {
  private final Vertx vertx;
  private final SessionOptions o;
  private final Registrar registrar;
  private final long leaseMillis;
  private final Consumer<Registration> userTunnel;
  private final Backoff backoff = Backoff.network();
  private Lease state;
  private boolean reRegistering;
  private volatile boolean stopped;
  private long timer = -1;
  private long lastTick;

  /** {@code userTunnel}: with --ssh-key, shows the user the ssh to run after a new port. */
  LeaseKeeper(
      Vertx vertx,
      SessionOptions o,
      Registrar registrar,
      double leaseSeconds,
      Consumer<Registration> userTunnel) {
    this.vertx = vertx;
    this.o = o;
    this.registrar = registrar;
    this.leaseMillis = (long) (leaseSeconds * 1000);
    this.userTunnel = userTunnel;
  }

  void start() {
    lastTick = System.currentTimeMillis();
    timer =
        vertx.setPeriodic(o.renewSeconds() * 1000L, Periodic.onTimer("lease renewal", this::tick));
  }

  void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  private void publish(Lease s, String detail) {
    state = s;
    vertx.eventBus().publish(BusAddresses.LEASE_STATE, new LeaseState(s, detail).toJson());
  }

  private void tick() {
    long now = System.currentTimeMillis();
    long gap = now - lastTick;
    lastTick = now;
    if (gap > Math.max(2L * o.renewSeconds() * 1000, leaseMillis)) {
      // the process was stopped (laptop asleep, SIGSTOP): the proxy let the lease lapse and closed
      // the tunnel; the renewal below registers again and the tunnel reconnects by itself
      publish(
          Lease.RESUMED,
          "Resumed after "
              + (gap / 1000)
              + " s without contact (laptop asleep?): restoring the intercept");
    }
    if (reRegistering || stopped) {
      return;
    }
    registrar
        .renew()
        .onSuccess(
            r -> {
              if (state == Lease.UNREACHABLE || state == Lease.RESUMED) {
                publish(Lease.RENEWED, "Proxy reachable again; lease renewed");
              }
            })
        .onFailure(
            e -> {
              if (e instanceof ApiFailure.Gone) {
                return; // removed with leave: the session ends (Registrar#left)
              }
              if (e instanceof ApiFailure.NotFound) {
                publish(
                    Lease.LOST, "The proxy no longer knows this intercept; registering it again");
                reRegister();
              } else if (state != Lease.UNREACHABLE) {
                publish(
                    Lease.UNREACHABLE, "Cannot renew the lease (" + e.getMessage() + "); retrying");
              }
            });
  }

  /** The proxy lost the intercept: register it again until it takes, or the session ends. */
  private void reRegister() {
    reRegistering = true;
    int before = registrar.last() == null ? -1 : registrar.last().port();
    backoff
        .retry(
            vertx,
            registrar::register,
            () -> stopped,
            e -> {
              if (backoff.failures() == 0) {
                publish(
                    Lease.RETRYING, "Registering again failed (" + e.getMessage() + "); retrying");
              }
            })
        .onComplete(
            ar -> {
              reRegistering = false;
              if (ar.succeeded() && !stopped) {
                registered(ar.result(), before);
              }
            });
  }

  private void registered(Registration r, int portBefore) {
    if (userTunnel != null && r.port() != portBefore) {
      userTunnel.accept(r);
      publish(
          Lease.REGISTERED,
          "Intercept registered again on port " + r.port() + ": restart your ssh as above");
    } else {
      // the proxy closed the old tunnel with the old record; the tunnel reconnects on its own
      publish(Lease.REGISTERED, "Intercept registered again on port " + r.port());
    }
  }
}

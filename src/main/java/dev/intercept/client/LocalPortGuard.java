package dev.intercept.client;

import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.BusEvents.LocalPortState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * While nothing listens on the developer's local port, matched requests get a 502 that says so,
 * answered on this machine; with --fail-open-local the forward is withdrawn instead and they go to
 * the pods. Decided by a probe once a second; each change is reported on {@link
 * BusAddresses#LOCAL_PORT}.
 */
final class LocalPortGuard {
  private final Vertx vertx;
  private final SessionOptions o;
  private final TunnelKeeper tunnel;
  private final AtomicBoolean listening = new AtomicBoolean(true);
  private volatile boolean stopped;
  private LocalDownAnswer answer;
  private LocalPortWatch watch;

  LocalPortGuard(Vertx vertx, SessionOptions o, TunnelKeeper tunnel) {
    this.vertx = vertx;
    this.o = o;
    this.tunnel = tunnel;
  }

  /** Starts the error page (unless failing open) and the probe. */
  Future<Void> start() {
    Future<Void> ready =
        o.failOpenLocal()
            ? Future.succeededFuture()
            : LocalDownAnswer.start(vertx, o.app(), o.name(), "localhost", o.localPort())
                .map(
                    a -> {
                      answer = a;
                      SshdSocketAddress real = new SshdSocketAddress(o.localHost(), o.localPort());
                      SshdSocketAddress down = new SshdSocketAddress("127.0.0.1", a.port());
                      tunnel.localTarget(() -> listening.get() ? real : down);
                      return null;
                    });
    return ready.map(
        v -> {
          watch = new LocalPortWatch(vertx, o.localHost(), o.localPort(), this::changed);
          watch.start();
          return null;
        });
  }

  private void changed(boolean isUp) {
    boolean was = listening.getAndSet(isUp);
    if (was == isUp || stopped) {
      return;
    }
    if (o.failOpenLocal()) {
      vertx.executeBlocking(
          () -> {
            tunnel.forwarding(isUp);
            return null;
          });
    }
    String detail =
        isUp
            ? o.where() + " is listening again: matched requests come here"
            : "Nothing is listening on "
                + o.where()
                + ": matched requests "
                + (o.failOpenLocal() ? "go to the pods" : "get a 502 saying so")
                + " until it is back";
    vertx.eventBus().publish(BusAddresses.LOCAL_PORT, new LocalPortState(isUp, detail).toJson());
  }

  /** Stops probing: no more changes are reported. */
  void stop() {
    stopped = true;
    if (watch != null) {
      watch.stop();
    }
  }

  /** Closes the error page: after the tunnel, so no forwarded request finds it gone. */
  void close() {
    if (answer != null) {
      answer.close();
    }
  }
}

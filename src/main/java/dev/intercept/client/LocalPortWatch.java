package dev.intercept.client;

import dev.intercept.retry.Periodic;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.function.Consumer;

/**
 * Probes the developer's local port once a second (a TCP connect) and reports when it stops or
 * starts accepting connections, so a matched request never meets a silent refusal.
 */
final class LocalPortWatch {
  private static final long PERIOD_MS = 1_000;

  private final Vertx vertx;
  private final String host;
  private final int port;
  private final Consumer<Boolean> changed;
  private final NetClient net;
  private Boolean up;
  private long timer = -1;

  LocalPortWatch(Vertx vertx, String host, int port, Consumer<Boolean> changed) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
    this.changed = changed;
    this.net = vertx.createNetClient(new NetClientOptions().setConnectTimeout(500));
  }

  void start() {
    probe();
    timer = vertx.setPeriodic(PERIOD_MS, Periodic.onTimer("local port probe", this::probe));
  }

  private void probe() {
    net.connect(port, host)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                ar.result().close();
              }
              boolean now = ar.succeeded();
              if (up == null || up != now) {
                up = now;
                changed.accept(now);
              }
            });
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    net.close();
  }
}

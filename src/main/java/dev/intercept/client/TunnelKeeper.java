package dev.intercept.client;

import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.BusEvents.TunnelState;
import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.Registration;
import dev.intercept.tunnel.TunnelClient;
import dev.intercept.tunnel.TunnelSshClient;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * The intercept's SSH reverse tunnel for its whole life: opens it where the registration says,
 * keeps it up (before each reconnect it registers again, through the next proxy URL when the last
 * one led nowhere), reports every change on {@link BusAddresses#TUNNEL_STATE}, closes it at exit.
 */
final class TunnelKeeper {
  private static final long SETUP_TIMEOUT_S = 30;

  private final Vertx vertx;
  private final SessionOptions o;
  private final Registrar registrar;
  private final Preparation prepared;
  private volatile TunnelClient tunnel;

  /** {@code prepared}: the key pair and SSH client made while the client started. */
  TunnelKeeper(Vertx vertx, SessionOptions o, Registrar registrar, Preparation prepared) {
    this.vertx = vertx;
    this.o = o;
    this.registrar = registrar;
    this.prepared = prepared;
  }

  private TunnelClient.Spec spec(Registration r) {
    HostPort ssh = registrar.ssh(r);
    return new TunnelClient.Spec(
        ssh.host(), ssh.port(), r.sshUser(), r.hostKey(), r.port(), o.localHost(), o.localPort());
  }

  /** Opens the tunnel; returns once it forwards, or throws {@link UserError}. Blocking. */
  void open(Registration r) {
    TunnelClient.Spec spec = spec(r);
    SshClient client;
    try {
      client = prepared.sshClient().get(SETUP_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new UserError("cannot start the SSH client: " + e.getMessage());
    }
    TunnelClient t =
        new TunnelClient(client, spec, prepared.keys().join(), o.keepalive(), new Reporter());
    t.onReconnect(this::respec);
    tunnel = t;
    try {
      t.start().get(SETUP_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      t.close();
      Throwable c = e.getCause() == null ? e : e.getCause();
      throw new UserError(
          "cannot open the SSH tunnel to "
              + spec.host()
              + ":"
              + spec.sshPort()
              + ": "
              + (c.getMessage() == null ? c.toString() : c.getMessage()));
    }
  }

  /** Publishes every change but the first up: the transcript has its own line for that. */
  private final class Reporter implements TunnelClient.Listener {
    private boolean first = true;

    @Override
    public void up(String detail) {
      if (!first) {
        publish(true, detail);
      }
      first = false;
    }

    @Override
    public void down(String reason) {
      publish(false, reason);
    }

    private void publish(boolean up, String detail) {
      vertx.eventBus().publish(BusAddresses.TUNNEL_STATE, new TunnelState(up, detail).toJson());
    }
  }

  /**
   * Before a reconnect, on the tunnel's thread: registers again (same owner: same port, lease
   * renewed) through a live proxy and connects where it says; if that led nowhere last time,
   * through the next URL.
   */
  private TunnelClient.Spec respec(Throwable lastFailure) {
    if (lastFailure != null && TunnelSshClient.unreachable(lastFailure)) {
      registrar.skipProxy();
    }
    try {
      Registration r =
          registrar
              .register()
              .toCompletionStage()
              .toCompletableFuture()
              .get(o.requestTimeoutMs() * 2, TimeUnit.MILLISECONDS);
      o.knownHosts().check(registrar.proxyIdentity(), r.hostKey());
      return spec(r);
    } catch (Exception e) {
      registrar.skipProxy();
      throw new IllegalStateException("cannot register again: " + e.getMessage(), e);
    }
  }

  /** True once {@link #open} created the tunnel (which then owns the SSH client). */
  boolean isOpened() {
    return tunnel != null;
  }

  boolean isUp() {
    TunnelClient t = tunnel;
    return t != null && t.isUp();
  }

  /** Where each forwarded connection goes on this machine (see {@link LocalPortGuard}). */
  void localTarget(Supplier<SshdSocketAddress> target) {
    tunnel.localTarget(target);
  }

  /** Withdraws or restores the forward: withdrawn, matched requests go to the pods. Blocking. */
  void forwarding(boolean on) {
    tunnel.forwarding(on);
  }

  /** Closes the tunnel (the route drops first, so requests fail open to the pods). Blocking. */
  void close() {
    TunnelClient t = tunnel;
    if (t != null) {
      t.close();
    }
  }
}

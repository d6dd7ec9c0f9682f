package dev.intercept.tunnel;

import dev.intercept.retry.Backoff;
import java.io.IOException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's reverse tunnel: an SSH session to the proxy that forwards the intercept's port to a
 * local port. After the first success it keeps the tunnel up, reconnecting with backoff when the
 * session drops, until closed.
 */
public class TunnelClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TunnelClient.class);
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);

  /** Where and as whom to connect, and what to forward. */
  public record Spec(
      String host,
      int sshPort,
      String user,
      String hostKey,
      int remotePort,
      String localHost,
      int localPort) {}

  /** Tunnel state changes, called on the tunnel's threads. */
  public interface Listener {
    void up(String detail);

    void down(String reason);
  }

  private volatile Spec spec;

  /**
   * Where to connect next after the session dropped (argument: why the last attempt failed, or
   * null).
   */
  private volatile Function<Throwable, Spec> respec;

  private final KeyPair keys;
  private volatile PublicKey expectedHostKey;
  private final Listener listener;
  private final SshClient client;
  private volatile ClientSession session;
  private volatile Supplier<SshdSocketAddress> localTarget;
  private volatile boolean forwarding = true;

  /** Notified when the forward is wanted again (or the tunnel closes). */
  private final Object wanted = new Object();

  private volatile boolean closed;
  private Thread reconnector;
  private final PeerWatch watch;

  /**
   * Takes ownership of {@code client} (from {@link TunnelSshClient#start()}): closing the tunnel
   * stops it.
   */
  public TunnelClient(
      SshClient client, Spec spec, KeyPair keys, Keepalive keepalive, Listener listener) {
    this.spec = spec;
    this.keys = keys;
    this.expectedHostKey = hostKey(spec);
    this.listener = listener;
    this.client = client;
    this.watch =
        new PeerWatch(
            "ssh-client-keepalive",
            keepalive,
            () -> session instanceof AbstractSession s ? List.of(s) : List.of());
    client.setServerKeyVerifier(
        (s, addr, key) -> {
          // fail closed: no announced key means no tunnel
          boolean ok = expectedHostKey != null && TunnelKeys.same(expectedHostKey, key);
          if (!ok) {
            LOG.error(
                "SSH host key of {} is {}, not the one the proxy API announced",
                addr,
                TunnelKeys.fingerprint(key));
          }
          return ok;
        });
  }

  /**
   * Asks for a fresh spec before each reconnect: with several proxy replicas the one that held the
   * tunnel may be gone, and the proxy API says where to connect now.
   */
  public void onReconnect(Function<Throwable, Spec> respec) {
    this.respec = respec;
  }

  /** Opens the tunnel once; the future fails with a one-line reason. Then keeps it up. */
  public CompletableFuture<Void> start() {
    CompletableFuture<Void> first = new CompletableFuture<>();
    reconnector =
        new Thread(
            () -> {
              try {
                connect();
                first.complete(null);
              } catch (Exception e) {
                first.completeExceptionally(new IOException(TunnelSshClient.describe(e)));
                return;
              }
              keepUp();
            },
            "tunnel-reconnector");
    reconnector.setDaemon(true);
    reconnector.start();
    watch.start();
    return first;
  }

  /**
   * Decides, per forwarded connection, where on this machine it goes (e.g. to a local error page
   * while nothing listens on the developer's port); null = the spec's local port.
   */
  public void localTarget(Supplier<SshdSocketAddress> target) {
    this.localTarget = target;
    ClientSession s = session;
    if (s != null && target != null) {
      s.setAttribute(ClientForwarder.LOCAL_TARGET, target);
    }
  }

  /**
   * Withdraws (false) or restores (true) the forward on the live session: withdrawn, the proxy
   * unbinds the port and the sidecars send matched requests to the pods. A session the proxy closes
   * meanwhile (it keeps none without a forward) is reopened when the forward is restored.
   */
  public void forwarding(boolean on) {
    synchronized (wanted) {
      forwarding = on;
      wanted.notifyAll();
    }
    ClientSession s = session;
    if (s == null) {
      return;
    }
    SshdSocketAddress remote = new SshdSocketAddress("localhost", spec.remotePort());
    try {
      if (on) {
        s.startRemotePortForwarding(
            remote, new SshdSocketAddress(spec.localHost(), spec.localPort()));
      } else {
        s.stopRemotePortForwarding(remote);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("changing the forward failed: {}", TunnelSshClient.describe(e));
    }
  }

  private void connect() throws IOException {
    ClientSession s =
        client.connect(spec.user(), spec.host(), spec.sshPort()).verify(STEP_TIMEOUT).getSession();
    if (localTarget != null) {
      s.setAttribute(ClientForwarder.LOCAL_TARGET, localTarget);
    }
    try {
      s.addPublicKeyIdentity(keys);
      s.auth().verify(STEP_TIMEOUT);
      SshdSocketAddress bound;
      try {
        bound =
            s.startRemotePortForwarding(
                new SshdSocketAddress("localhost", spec.remotePort()),
                new SshdSocketAddress(spec.localHost(), spec.localPort()));
      } catch (IOException e) {
        bound = null;
      }
      if (bound == null) {
        throw new IOException("the proxy refused to forward port " + spec.remotePort());
      }
      session = s;
      listener.up(
          "forwarding proxy port "
              + spec.remotePort()
              + " to "
              + spec.localHost()
              + ":"
              + spec.localPort());
    } catch (IOException | RuntimeException e) {
      s.close(true);
      throw e;
    }
  }

  private void keepUp() {
    Backoff reconnects = Backoff.network();
    Throwable lastFailure = null;
    while (!closed) {
      try {
        if (awaitSessionEnd()) {
          reconnects.reset();
        }
        awaitForwardWanted();
        Thread.sleep(reconnects.next(lastFailure));
        if (closed) {
          return;
        }
        reconnect(lastFailure);
        lastFailure = null;
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        // a failed attempt, or a listener that threw: either way the next attempt must come
        LOG.debug("tunnel reconnect failed: {}", TunnelSshClient.describe(e));
        lastFailure = e;
      }
    }
  }

  /** Waits until the session (if any) closes and reports it; true if there was one. */
  private boolean awaitSessionEnd() {
    ClientSession s = session;
    if (s == null) {
      return false;
    }
    try {
      s.waitFor(EnumSet.of(ClientSession.ClientSessionEvent.CLOSED), 0L);
    } finally {
      if (!closed) {
        session = null;
        s.close(true);
      }
    }
    if (closed) {
      return true;
    }
    if (forwarding) {
      listener.down("SSH session to " + spec.host() + ":" + spec.sshPort() + " closed");
    } else {
      // the proxy closes a session that holds no forward (ssh-idle-seconds): nothing was lost
      LOG.info("SSH session closed while the forward is withdrawn; reopened when wanted again");
    }
    return true;
  }

  /** While the forward is withdrawn no session is needed: a new one opens when it is wanted. */
  private void awaitForwardWanted() throws InterruptedException {
    synchronized (wanted) {
      while (!forwarding && !closed) {
        wanted.wait();
      }
    }
  }

  /** Asks where to connect now (the proxy replica may have changed), then connects. */
  private void reconnect(Throwable lastFailure) throws IOException {
    Function<Throwable, Spec> next = respec;
    if (next != null) {
      Spec fresh = next.apply(lastFailure);
      spec = fresh;
      expectedHostKey = hostKey(fresh);
    }
    connect();
  }

  private static PublicKey hostKey(Spec spec) {
    return spec.hostKey() == null || spec.hostKey().isBlank()
        ? null
        : TunnelKeys.parse(spec.hostKey());
  }

  /** True while a session holds the forward. */
  public boolean isUp() {
    ClientSession s = session;
    return s != null && s.isOpen();
  }

  @Override
  public void close() {
    closed = true;
    watch.close();
    if (reconnector != null) {
      reconnector.interrupt();
    }
    ClientSession s = session;
    if (s != null) {
      TunnelSshClient.drainAndClose(s, spec.remotePort());
    }
    try {
      client.stop();
    } catch (RuntimeException e) {
      LOG.debug("stopping SSH client: {}", e.toString());
    }
  }
}

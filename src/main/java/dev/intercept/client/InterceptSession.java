package dev.intercept.client;

import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.InterceptRequest;
import dev.intercept.protocol.Matcher;
import dev.intercept.tunnel.Keepalive;
import dev.intercept.tunnel.TunnelClient;
import dev.intercept.tunnel.TunnelKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.security.KeyPair;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.client.SshClient;

/**
 * One `intercept` run: registers, opens the reverse tunnel, renews the lease (re-registering if the
 * proxy lost it), and on Ctrl-C or SIGTERM removes the intercept and closes the tunnel. The lease
 * keeper and the tunnel report on the bus; this class prints the T: lines.
 */
public final class InterceptSession {
  private static final long SETUP_TIMEOUT_S = 30;

  /**
   * What the user asked for. {@code userKey}: with --ssh-key, the user's own public key, registered
   * instead of a generated one; the user then runs the tunnel with plain ssh (we never read their
   * private key).
   */
  public record Options(
      String app,
      String name,
      List<Matcher> matchers,
      String localHost,
      int localPort,
      List<URI> proxyUrls,
      int renewSeconds,
      long requestTimeoutMs,
      Keepalive keepalive,
      UserKey userKey,
      boolean failOpenLocal) {}

  /** The user's own key: its OpenSSH public-key line and the private key file ssh should use. */
  public record UserKey(String publicKey, String privateKeyFile) {}

  private final Vertx vertx;
  private final Options o;
  private final PrintStream out;
  private final ProxyApiClient api;
  private final KeyPair keys;
  private final CompletableFuture<SshClient> sshClient;
  private final Prepared prepared;
  private final String owner = owner();
  private volatile TunnelClient tunnel;
  private volatile int port;
  private final AtomicBoolean cleaned = new AtomicBoolean();
  private long renewTimer = -1;
  private long leaseMillis = 10_000;
  private long lastTick;
  private volatile boolean restoring;
  private LocalPortWatch localWatch;
  private boolean leaseLost;

  /** Only what this run registered is removed at exit: never another client's intercept. */
  private volatile boolean registered;

  /**
   * Key generation and the SSH client's start-up run while the rest starts (none with --ssh-key).
   */
  public record Prepared(CompletableFuture<KeyPair> keys, CompletableFuture<SshClient> sshClient) {
    public static Prepared start(boolean ownTunnel) {
      if (!ownTunnel) {
        return new Prepared(
            CompletableFuture.completedFuture(null), CompletableFuture.completedFuture(null));
      }
      return new Prepared(
          CompletableFuture.supplyAsync(TunnelKeys::generate),
          CompletableFuture.supplyAsync(TunnelClient::newSshClient));
    }

    /** Stops the SSH client if one was started and no tunnel took it over. */
    public void release() {
      sshClient.thenAccept(
          c -> {
            if (c != null) {
              c.stop();
            }
          });
    }
  }

  public InterceptSession(Vertx vertx, Options o, PrintStream out, Prepared prepared) {
    this.keys = prepared.keys().join();
    this.sshClient = prepared.sshClient();
    this.prepared = prepared;
    this.vertx = vertx;
    this.o = o;
    this.out = out;
    this.api = new ProxyApiClient(vertx, o.proxyUrls(), o.requestTimeoutMs());
  }

  private static String owner() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "unknown";
    }
    return System.getProperty("user.name", "user") + "@" + host + "/" + UUID.randomUUID();
  }

  private void t(String line) {
    out.println("T: " + line);
    out.flush();
  }

  /** Sets the intercept up; returns once traffic flows, or throws {@link UserError}. */
  public void start() {
    t("Setting up intercept session " + o.name());
    t("Intercepting requests to " + o.app());
    t("and redirecting them to localhost:" + o.localPort());
    t("when the following headers match:");
    o.matchers().forEach(m -> t("  " + m.header() + ": " + m.regex()));
    t("Connecting to the Telepresence Proxy");
    StartupTiming.mark("keys generated, T: lines printed");
    JsonObject reg = await(register(), "registering the intercept");
    registered = true;
    StartupTiming.mark("registered with the proxy");
    try {
      if (o.userKey() != null) {
        printPlainSsh(reg);
      } else {
        openTunnel(reg);
        StartupTiming.mark("tunnel up");
      }
    } catch (UserError e) {
      bestEffortDelete();
      throw e;
    }
    leaseMillis = (long) (reg.getDouble("leaseSeconds", 10.0) * 1000);
    vertx
        .eventBus()
        .<JsonObject>localConsumer(
            BusAddresses.TUNNEL_STATE,
            m -> {
              boolean up = m.body().getBoolean("up");
              if (cleaned.get()) {
                return;
              }
              if (restoring) {
                // after a sleep, one line when it is over instead of every step of the recovery
                maybeRestored();
                return;
              }
              t(
                  up
                      ? "Tunnel to the proxy is back: " + m.body().getString("detail")
                      : "Tunnel to the proxy lost ("
                          + m.body().getString("detail")
                          + "); reconnecting");
            });
    vertx
        .eventBus()
        .<JsonObject>localConsumer(
            BusAddresses.LEASE_STATE,
            m -> {
              if (!cleaned.get() && !restoring) {
                t(m.body().getString("detail"));
              }
            });
    lastTick = System.currentTimeMillis();
    renewTimer = vertx.setPeriodic(o.renewSeconds() * 1000L, id -> renew());
    if (tunnel != null) {
      watchLocalPort();
    }
    t("Intercept is running. Press Ctrl-C/Ctrl-Break to quit.");
  }

  private Future<JsonObject> register() {
    String publicKey =
        o.userKey() != null ? o.userKey().publicKey() : TunnelKeys.toOpenSsh(keys.getPublic());
    return api.create(o.app(), o.name(), new InterceptRequest(o.matchers(), publicKey, owner));
  }

  private String sshHost(JsonObject reg) {
    return reg.getString("sshHost") != null ? reg.getString("sshHost") : api.currentUrl().getHost();
  }

  /** --ssh-key: the user runs the tunnel; tell them how, and which host key to expect. */
  private void printPlainSsh(JsonObject reg) {
    port = reg.getInteger("port");
    String host = sshHost(reg);
    int sshPort = reg.getInteger("sshPort");
    t("Registered with your key; open the tunnel with plain OpenSSH (docs/tunnel.md):");
    t(
        "  ssh -N -R "
            + port
            + ":"
            + o.localHost()
            + ":"
            + o.localPort()
            + " -p "
            + sshPort
            + " -i "
            + o.userKey().privateKeyFile()
            + " "
            + reg.getString("sshUser")
            + "@"
            + host);
    t(
        "  proxy host key (known_hosts line): ["
            + host
            + "]:"
            + sshPort
            + " "
            + reg.getString("hostKey"));
  }

  private TunnelClient.Spec spec(JsonObject reg) {
    return new TunnelClient.Spec(
        sshHost(reg),
        reg.getInteger("sshPort"),
        reg.getString("sshUser"),
        reg.getString("hostKey"),
        reg.getInteger("port"),
        o.localHost(),
        o.localPort());
  }

  /**
   * Before a reconnect: registers again (same owner: same port, lease renewed) through a live proxy
   * and connects where it says; if that led nowhere last time, through the next URL.
   */
  private TunnelClient.Spec respec(Throwable lastFailure) {
    if (lastFailure != null && TunnelClient.unreachable(lastFailure)) {
      api.skipCurrent();
    }
    try {
      JsonObject reg =
          register()
              .toCompletionStage()
              .toCompletableFuture()
              .get(o.requestTimeoutMs() * 2, TimeUnit.MILLISECONDS);
      port = reg.getInteger("port");
      return spec(reg);
    } catch (Exception e) {
      api.skipCurrent();
      throw new IllegalStateException("cannot register again: " + e.getMessage(), e);
    }
  }

  private void openTunnel(JsonObject reg) {
    port = reg.getInteger("port");
    TunnelClient.Spec spec = spec(reg);
    String sshHost = spec.host();
    SshClient client;
    try {
      client =
          tunnel == null
              ? sshClient.get(SETUP_TIMEOUT_S, TimeUnit.SECONDS)
              : TunnelClient.newSshClient();
    } catch (Exception e) {
      throw new UserError("cannot start the SSH client: " + e.getMessage());
    }
    TunnelClient t =
        new TunnelClient(
            client,
            spec,
            keys,
            o.keepalive(),
            new TunnelClient.Listener() {
              boolean first = true;

              @Override
              public void up(String detail) {
                if (!first) {
                  publishTunnel(true, detail);
                }
                first = false;
              }

              @Override
              public void down(String reason) {
                publishTunnel(false, reason);
              }
            });
    t.onReconnect(this::respec);
    tunnel = t;
    try {
      t.start().get(SETUP_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      t.close();
      Throwable c = e.getCause() == null ? e : e.getCause();
      throw new UserError(
          "cannot open the SSH tunnel to "
              + sshHost
              + ":"
              + reg.getInteger("sshPort")
              + ": "
              + (c.getMessage() == null ? c.toString() : c.getMessage()));
    }
  }

  private void publishTunnel(boolean up, String detail) {
    vertx
        .eventBus()
        .publish(BusAddresses.TUNNEL_STATE, new JsonObject().put("up", up).put("detail", detail));
  }

  private void publishLease(String state, String detail) {
    vertx
        .eventBus()
        .publish(
            BusAddresses.LEASE_STATE, new JsonObject().put("state", state).put("detail", detail));
  }

  /** Renews the lease; when the proxy no longer knows the intercept, registers it again. */
  private void renew() {
    long now = System.currentTimeMillis();
    long gap = now - lastTick;
    lastTick = now;
    if (gap > Math.max(2L * o.renewSeconds() * 1000, leaseMillis)) {
      // the process was stopped (laptop asleep, SIGSTOP): the proxy let the lease lapse and closed
      // the tunnel; the renewal below registers again and the tunnel reconnects by itself
      restoring = true;
      t(
          "Resumed after "
              + (gap / 1000)
              + " s without contact (laptop asleep?): restoring the intercept");
    }
    api.renew(o.app(), o.name(), owner)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                maybeRestored();
                if (leaseLost) {
                  leaseLost = false;
                  publishLease("renewed", "Proxy reachable again; lease renewed");
                }
                return;
              }
              Throwable e = ar.cause();
              if (e instanceof ProxyApiClient.ApiError err && err.status() == 404) {
                publishLease(
                    "lost", "The proxy no longer knows this intercept; registering it again");
                reRegister();
              } else if (!leaseLost) {
                leaseLost = true;
                publishLease(
                    "unreachable", "Cannot renew the lease (" + e.getMessage() + "); retrying");
              }
            });
  }

  private void maybeRestored() {
    TunnelClient t = tunnel;
    if (restoring && t != null && t.isUp()) {
      restoring = false;
      t("Intercept restored: matched requests come here again");
    }
  }

  /** The proxy lost the intercept (lease lapsed, proxy restarted): register it again. */
  private void reRegister() {
    register()
        .onComplete(
            ar -> {
              if (ar.failed()) {
                publishLease(
                    "lost", "Registering again failed (" + ar.cause().getMessage() + "); retrying");
                return;
              }
              leaseLost = false;
              int newPort = ar.result().getInteger("port");
              if (newPort != port && o.userKey() != null) {
                printPlainSsh(ar.result());
                publishLease(
                    "registered",
                    "Intercept registered again on port "
                        + newPort
                        + ": restart your ssh as above");
              } else {
                // the proxy closed the old tunnel with the old record; the tunnel reconnects on its
                // own
                publishLease("registered", "Intercept registered again on port " + newPort);
              }
            });
  }

  /** Ctrl-C/SIGTERM: removes the intercept, closes the tunnel. Idempotent. */
  /**
   * While nothing listens on the local port, matched requests get a 502 that says so, answered on
   * this machine; with --fail-open-local the forward is withdrawn instead and they go to the pods.
   * Decided by a probe once a second.
   */
  private void watchLocalPort() {
    String where = "localhost:" + o.localPort();
    LocalDownAnswer answer =
        o.failOpenLocal()
            ? null
            : await(
                LocalDownAnswer.start(vertx, o.app(), o.name(), "localhost", o.localPort()),
                "starting the local error page");
    java.util.concurrent.atomic.AtomicBoolean up =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    if (answer != null) {
      var real =
          new org.apache.sshd.common.util.net.SshdSocketAddress(o.localHost(), o.localPort());
      var down = new org.apache.sshd.common.util.net.SshdSocketAddress("127.0.0.1", answer.port());
      tunnel.localTarget(() -> up.get() ? real : down);
    }
    localWatch =
        new LocalPortWatch(
            vertx,
            o.localHost(),
            o.localPort(),
            isUp -> {
              boolean was = up.getAndSet(isUp);
              if (was == isUp || cleaned.get()) {
                return;
              }
              if (o.failOpenLocal()) {
                vertx.executeBlocking(
                    () -> {
                      tunnel.forwarding(isUp);
                      return null;
                    });
              }
              t(
                  isUp
                      ? where + " is listening again: matched requests come here"
                      : "Nothing is listening on "
                          + where
                          + ": matched requests "
                          + (o.failOpenLocal() ? "go to the pods" : "get a 502 saying so")
                          + " until it is back");
            });
    localWatch.start();
  }

  public void cleanup() {
    if (!cleaned.compareAndSet(false, true)) {
      return;
    }
    t("Exit cleanup in progress");
    if (localWatch != null) {
      localWatch.stop();
    }
    if (renewTimer >= 0) {
      vertx.cancelTimer(renewTimer);
    }
    // tunnel first: the route drops (requests fail open to the pods) before the record goes
    TunnelClient t = tunnel;
    if (t != null) {
      t.close();
    } else {
      prepared.release();
    }
    bestEffortDelete();
  }

  private void bestEffortDelete() {
    if (!registered) {
      return;
    }
    try {
      api.delete(o.app(), o.name(), owner)
          .toCompletionStage()
          .toCompletableFuture()
          .get(o.requestTimeoutMs(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      if (!(c instanceof ProxyApiClient.ApiError err && err.status() == 404)) {
        out.println(
            "T: could not remove the intercept from the proxy ("
                + c.getMessage()
                + "); its lease will lapse on its own");
      }
    }
  }

  private <T> T await(Future<T> f, String what) {
    CompletableFuture<T> cf = f.toCompletionStage().toCompletableFuture();
    try {
      return cf.get(SETUP_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new UserError(e.getCause().getMessage());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new UserError("timed out " + what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted while " + what);
    }
  }
}

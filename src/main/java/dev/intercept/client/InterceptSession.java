package dev.intercept.client;

import dev.intercept.protocol.Registration;
import dev.intercept.tunnel.ConnectionTap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One {@code intercept} run, made of parts that each do one job: the {@link Registrar} (the
 * intercept at the proxy), the {@link TunnelKeeper} (the SSH tunnel), the {@link LeaseKeeper}
 * (renewals, re-registration, sleep), the {@link LocalPortGuard} (nothing listening locally) and
 * the {@link Transcript} (the T: lines). This class starts them in order and stops them at exit.
 */
public final class InterceptSession {
  private static final long SETUP_TIMEOUT_S = 30;

  private final Vertx vertx;
  private final SessionOptions o;
  private final Preparation prepared;
  private final Transcript transcript;
  private final Registrar registrar;
  private final TunnelKeeper tunnel;
  private final AtomicBoolean cleaned = new AtomicBoolean();
  private LeaseKeeper lease;
  private LocalPortGuard guard;

  public InterceptSession(Vertx vertx, SessionOptions o, PrintStream out, Preparation prepared) {
    this.vertx = vertx;
    this.o = o;
    this.prepared = prepared;
    this.transcript = new Transcript(out);
    this.registrar = new Registrar(vertx, o, prepared.keys().join());
    this.tunnel = o.userKey() != null ? null : new TunnelKeeper(vertx, o, registrar, prepared);
    if (tunnel != null && !o.quiet()) {
      // one T: line per request served, from the forwarded connections' bytes as they pass
      prepared
          .sshClient()
          .thenAccept(
              c ->
                  ConnectionTap.install(
                      c, () -> new ExchangeTap(o.where(), transcript::request, System::nanoTime)));
    }
  }

  /** Sets the intercept up; returns once traffic flows, or throws {@link UserError}. */
  public void start() {
    transcript.header(o);
    transcript.follow(vertx, () -> tunnel != null && tunnel.isUp());
    StartupTiming.mark("keys generated, T: lines printed");
    Registration r = await(registrar.register(), "registering the intercept");
    StartupTiming.mark("registered with the proxy");
    try {
      o.knownHosts().check(registrar.proxyIdentity(), r.hostKey());
      if (tunnel == null) {
        transcript.plainSsh(o, r, registrar.ssh(r));
      } else {
        tunnel.open(r);
        StartupTiming.mark("tunnel up");
      }
    } catch (UserError e) {
      registrar.removeOwn(transcript);
      throw e;
    }
    lease =
        new LeaseKeeper(
            vertx,
            o,
            registrar,
            r.leaseSeconds(),
            tunnel == null ? again -> transcript.plainSsh(o, again, registrar.ssh(again)) : null);
    lease.start();
    if (tunnel != null) {
      guard = new LocalPortGuard(vertx, o, tunnel);
      await(guard.start(), "starting the local error page");
    }
    transcript.line("Intercept is running. Press Ctrl-C/Ctrl-Break to quit.");
  }

  /**
   * {@code then} runs with the proxy's reason once the intercept was removed with {@code leave}
   * (from another terminal): the session should end.
   */
  public void onLeft(Consumer<String> then) {
    registrar.left().onSuccess(then::accept);
  }

  /** Ctrl-C/SIGTERM: removes the intercept, closes the tunnel. Idempotent; blocking. */
  public void cleanup() {
    if (!cleaned.compareAndSet(false, true)) {
      return;
    }
    transcript.line("Exit cleanup in progress");
    transcript.quiet();
    if (guard != null) {
      guard.stop();
    }
    if (lease != null) {
      lease.stop();
    }
    // tunnel first: the route drops (requests fail open to the pods) before the record goes
    if (tunnel != null && tunnel.isOpened()) {
      tunnel.close();
    } else {
      prepared.release();
    }
    if (guard != null) {
      guard.close();
    }
    registrar.removeOwn(transcript);
  }

  private static <T> T await(Future<T> f, String what) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(SETUP_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new UserError(e.getCause().getMessage());
    } catch (TimeoutException e) {
      throw new UserError("timed out " + what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted while " + what);
    }
  }
}

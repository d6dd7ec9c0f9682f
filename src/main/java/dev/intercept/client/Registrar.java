package dev.intercept.client;

import dev.intercept.api.ProxyApiClient;
import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.InterceptRequest;
import dev.intercept.protocol.Registration;
import dev.intercept.protocol.Renewal;
import dev.intercept.tunnel.TunnelKeys;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.security.KeyPair;
import java.util.concurrent.TimeUnit;

/**
 * This run's intercept at the proxy: registers it (again, after a lost lease or a reconnect),
 * renews it, and at exit removes it, but only if this run registered it, never another client's.
 */
final class Registrar {
  private final SessionOptions o;
  private final ProxyApiClient api;
  private final String publicKey;
  private volatile Registration last;
  private final Promise<String> left = Promise.promise();

  Registrar(Vertx vertx, SessionOptions o, KeyPair keys) {
    this.o = o;
    this.api =
        new ProxyApiClient(vertx, o.connection().apiUrls(), o.requestTimeoutMs(), o.credentials());
    this.publicKey =
        o.userKey() != null ? o.userKey().publicKey() : TunnelKeys.toOpenSsh(keys.getPublic());
  }

  /** Registers (the same identity again keeps its port and renews the lease). */
  Future<Registration> register() {
    return api.register(o.app(), o.name(), new InterceptRequest(o.matchers(), publicKey))
        .onSuccess(r -> last = r)
        .onFailure(this::maybeGone);
  }

  Future<Renewal> renew() {
    return api.renew(o.app(), o.name()).onFailure(this::maybeGone);
  }

  /** Completes with the proxy's reason once the intercept was removed with {@code leave}. */
  Future<String> left() {
    return left.future();
  }

  private void maybeGone(Throwable e) {
    if (e instanceof ApiFailure.Gone) {
      last = null;
      left.tryComplete(e.getMessage());
    }
  }

  /** The last registration the proxy answered, or null before the first. */
  Registration last() {
    return last;
  }

  /** Where to open {@code r}'s SSH tunnel: as the proxy says, through the connection. */
  HostPort ssh(Registration r) {
    return o.connection().ssh(r, api.currentUrl());
  }

  /** The proxy in use, as its host key is pinned: the URL that last answered, or the cluster's. */
  URI proxyIdentity() {
    return o.connection().identity(api.currentUrl());
  }

  /** What the last proxy said led nowhere (e.g. a dead replica's SSH port): try the next. */
  void skipProxy() {
    o.connection().unreachable(api.currentUrl());
    api.skipCurrent();
  }

  /**
   * Removes the intercept if this run registered it, once; waits at most the call's timeout. Says
   * so when that fails: the lease lapses on its own.
   */
  void removeOwn(Transcript transcript) {
    Registration registered = last;
    last = null;
    if (registered == null) {
      api.close();
      return;
    }
    try {
      api.delete(o.app(), o.name())
          .toCompletionStage()
          .toCompletableFuture()
          .get(o.requestTimeoutMs(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      if (!(c instanceof ApiFailure.NotFound)) {
        transcript.line(
            "could not remove the intercept from the proxy ("
                + c.getMessage()
                + "); its lease will lapse on its own");
      }
    } finally {
      api.close();
    }
  }
}

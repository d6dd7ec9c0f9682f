package dev.intercept.sidecar;

import dev.intercept.api.Credentials;
import dev.intercept.api.ProxyApiClient;
import dev.intercept.config.Config;
import dev.intercept.config.ConfigKey;
import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.RouteTable;
import dev.intercept.retry.Backoff;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long-polls the proxy for the app's route table and publishes each new table on {@link
 * BusAddresses#ROUTES_UPDATED}. When no proxy URL answers it retries with the one backoff policy;
 * the data plane keeps its last table meanwhile.
 */
public class RouteWatcher extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RouteWatcher.class);

  private final Config config;
  private final Backoff backoff = Backoff.network();
  private ProxyApiClient api;
  private long version = -1;
  private boolean stopped;
  private boolean connected;

  private final Credentials credentials;

  /** {@code credentials}: the sidecar's token (a member of intercept:sidecars). */
  public RouteWatcher(Config config, Credentials credentials) {
    this.config = config;
    this.credentials = credentials;
  }

  @Override
  public Future<?> start() {
    api = proxyApi(vertx, config, credentials);
    poll();
    return Future.succeededFuture();
  }

  /** The sidecar's client of the proxy API: its URLs, timeout and token. */
  static ProxyApiClient proxyApi(Vertx vertx, Config config, Credentials credentials) {
    return new ProxyApiClient(
        vertx,
        config.get(ConfigKey.PROXY_URL),
        config.get(ConfigKey.REQUEST_TIMEOUT_SECONDS) * 1000L,
        credentials);
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return api.close();
  }

  private void poll() {
    if (stopped) {
      return;
    }
    Future<RouteTable> answer;
    try {
      answer =
          api.routes(
              config.get(ConfigKey.APP_NAME), version, config.get(ConfigKey.POLL_WAIT_SECONDS));
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    // whatever fails, thrown or not, the next poll comes: a watcher that stops is a stale sidecar
    answer
        .map(this::received)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                poll();
                return;
              }
              Throwable e = ar.cause();
              if (backoff.failures() == 0) {
                LOG.warn("route watcher: {} (retrying with backoff)", e.getMessage());
              }
              vertx.setTimer(retryDelay(e, backoff.next(e)), t -> poll());
            });
  }

  /** Longest wait a proxy's Retry-After can impose: past it the sidecar would be too stale. */
  static final long MAX_RETRY_AFTER_MS = 60_000;

  /**
   * A proxy that refused the poll for load (503 with Retry-After) is asked again after that many
   * seconds plus up to one more at random, so its refused sidecars do not return together; capped
   * at {@link #MAX_RETRY_AFTER_MS}. Any other failure waits the backoff's {@code backoffMs}.
   */
  static long retryDelay(Throwable failure, long backoffMs) {
    if (failure instanceof ApiFailure.TooManyWaiters refused) {
      long ms = refused.retryAfterSeconds() * 1000L + ThreadLocalRandom.current().nextLong(0, 1000);
      return Math.min(MAX_RETRY_AFTER_MS, Math.max(backoffMs, ms));
    }
    return Math.max(1, backoffMs);
  }

  private Void received(RouteTable table) {
    if (!connected) {
      connected = true;
      System.out.println(
          "intercept sidecar: connected to the proxy at "
              + api.currentUrl()
              + " ("
              + table.routes().size()
              + " intercepts of "
              + table.app()
              + ")");
    } else if (backoff.failures() > 0) {
      LOG.info("route watcher reached the proxy at {} again", api.currentUrl());
    }
    backoff.reset();
    if (table.version() != version) {
      version = table.version();
      vertx.eventBus().publish(BusAddresses.ROUTES_UPDATED, table.toJson());
    }
    return null;
  }
}

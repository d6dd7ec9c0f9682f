package dev.intercept.sidecar;

import dev.intercept.api.Credentials;
import dev.intercept.api.ProxyApiClient;
import dev.intercept.config.Config;
import dev.intercept.config.ConfigKey;
import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.PersonalId;
import dev.intercept.protocol.Route;
import dev.intercept.protocol.RouteTable;
import dev.intercept.retry.Periodic;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * Sends this sidecar's per-intercept running totals ({@link RouteCounters}) to the proxy every
 * stats-seconds, only when they changed; a failed report is simply followed by the next (totals,
 * not deltas, so nothing is lost or counted twice). Forgets the counts of routes that left the
 * table.
 */
final class StatsReporter extends VerticleBase {
  private final Config config;
  private final Credentials credentials;
  private final RouteCounters counters;
  // which sidecar this is, to the proxy: one entry per sidecar and route
  private final String id = PersonalId.fresh();
  private ProxyApiClient api;
  private String lastSent = "{}";
  private boolean sending;

  StatsReporter(Config config, Credentials credentials, RouteCounters counters) {
    this.config = config;
    this.credentials = credentials;
    this.counters = counters;
  }

  @Override
  public Future<?> start() {
    api = RouteWatcher.proxyApi(vertx, config, credentials);
    vertx
        .eventBus()
        .<JsonObject>consumer(
            BusAddresses.ROUTES_UPDATED,
            m ->
                counters.retain(
                    RouteTable.fromJson(m.body()).routes().stream().map(Route::name).toList()));
    vertx.setPeriodic(
        config.get(ConfigKey.STATS_SECONDS) * 1000L,
        Periodic.onTimer("stats report", this::report));
    return Future.succeededFuture();
  }

  private void report() {
    JsonObject routes = counters.report();
    String now = routes.encode();
    if (sending || now.equals(lastSent)) {
      return;
    }
    sending = true;
    api.stats(
            config.get(ConfigKey.APP_NAME),
            new JsonObject().put("sidecar", id).put("routes", routes))
        .onComplete(
            ar -> {
              sending = false;
              if (ar.succeeded()) {
                lastSent = now;
              }
            });
  }

  @Override
  public Future<?> stop() {
    return api.close();
  }
}

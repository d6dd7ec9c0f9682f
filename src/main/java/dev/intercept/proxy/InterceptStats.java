package dev.intercept.proxy;

import dev.intercept.protocol.Hits;
import dev.intercept.protocol.Intercept;
import dev.intercept.protocol.InvalidInputException;
import dev.intercept.protocol.ListedIntercept;
import dev.intercept.protocol.Names;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the sidecars count per intercept, cluster-wide. Each sidecar reports its running totals per
 * route (every stats-seconds, with a start time per route); each report replaces that sidecar's
 * entry, so there is no read-modify-write between sidecars or replicas, and entries of sidecars
 * that stop reporting expire. An intercept's hits are the sum over sidecars of the entries that
 * started after it was created (a name registered again starts from zero).
 */
final class InterceptStats {
  static final int MAX_ROUTES = 1000;
  private static final Pattern SIDECAR_ID = Pattern.compile("[a-z0-9-]{1,64}");
  private final Vertx vertx;
  private final long keepMillis;

  InterceptStats(Vertx vertx, long keepMillis) {
    this.vertx = vertx;
    this.keepMillis = keepMillis;
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap("intercept.stats");
  }

  /**
   * A sidecar's report: {@code {"sidecar": ID, "routes": {NAME: {"requests", "bytesIn", "bytesOut",
   * "errors", "lastAt", "startedAt"}}}}, checked before anything is stored.
   */
  Future<Void> record(String app, JsonObject report) {
    String sidecar = report.getValue("sidecar") instanceof String s ? s : "";
    if (!SIDECAR_ID.matcher(sidecar).matches()) {
      throw new InvalidInputException("sidecar must be 1 to 64 of [a-z0-9-]");
    }
    if (!(report.getValue("routes") instanceof JsonObject routes) || routes.size() > MAX_ROUTES) {
      throw new InvalidInputException("routes must be an object of at most " + MAX_ROUTES);
    }
    Map<String, String> entries = new HashMap<>();
    for (Map.Entry<String, Object> e : routes) {
      Names.check("intercept name", e.getKey());
      if (!(e.getValue() instanceof JsonObject counts)) {
        throw new InvalidInputException("route '" + e.getKey() + "' must be an object");
      }
      Hits h = Hits.fromJson(counts);
      long startedAt = counts.getLong("startedAt", 0L);
      entries.put(
          app + "/" + e.getKey() + "/" + sidecar, h.toJson().put("startedAt", startedAt).encode());
    }
    return map()
        .compose(
            m -> {
              Future<Void> chain = Future.succeededFuture();
              for (Map.Entry<String, String> e : entries.entrySet()) {
                chain = chain.compose(v -> m.put(e.getKey(), e.getValue(), keepMillis));
              }
              return chain;
            });
  }

  /** The intercepts as listed, each with its hits summed over the sidecars. */
  Future<List<ListedIntercept>> listed(List<Intercept> intercepts) {
    if (intercepts.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return map()
        .compose(AsyncMap::entries)
        .map(
            all -> {
              Map<String, Hits> sums = new HashMap<>();
              Map<String, Long> created = new HashMap<>();
              intercepts.forEach(i -> created.put(i.key(), i.createdAt()));
              all.forEach(
                  (k, v) -> {
                    String key = k.substring(0, Math.max(0, k.lastIndexOf('/')));
                    Long since = created.get(key);
                    JsonObject j = new JsonObject(v);
                    // a route's counting starts once its tunnel is up, after registration
                    if (since != null && j.getLong("startedAt", 0L) >= since) {
                      sums.merge(key, Hits.fromJson(j), Hits::plus);
                    }
                  });
              return intercepts.stream()
                  .map(i -> i.listed().withHits(sums.getOrDefault(i.key(), Hits.NONE)))
                  .toList();
            });
  }
}

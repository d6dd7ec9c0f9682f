package dev.intercept.proxy;

import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.Identity;
import dev.intercept.protocol.ListedIntercept;
import dev.intercept.proxy.access.Action;
import dev.intercept.proxy.access.Authorizer;
import dev.intercept.retry.Periodic;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/events}: the status page's live feed, as server-sent events. Each stream gets
 * a {@code snapshot} event at once (apps, when a sidecar of each last polled, the sidecars waiting
 * on this replica, the intercepts as its caller may see them), then a new one within about 100 ms
 * of every change of any app's routes (the cluster-wide INTERCEPTS_CHANGED) and every 5 s (leases),
 * each only when it differs from the last sent. Streams are capped per replica.
 */
final class EventStream {
  static final int MAX_STREAMS = 64;
  private static final long DEBOUNCE_MS = 100;
  private static final long REFRESH_MS = 5_000;

  private final Vertx vertx;
  private final Authorizer authorizer;
  private final InterceptRegistry registry;
  private final InterceptStats stats;
  private final Supplier<Map<String, Integer>> waitingByApp;
  private final Set<Stream> streams = new LinkedHashSet<>();
  private boolean scheduled;

  private record Stream(HttpServerResponse response, Identity viewer, String[] last) {}

  EventStream(
      Vertx vertx,
      Authorizer authorizer,
      InterceptRegistry registry,
      InterceptStats stats,
      Supplier<Map<String, Integer>> waitingByApp) {
    this.stats = stats;
    this.vertx = vertx;
    this.authorizer = authorizer;
    this.registry = registry;
    this.waitingByApp = waitingByApp;
    vertx.eventBus().consumer(BusAddresses.INTERCEPTS_CHANGED, m -> schedule());
    vertx.setPeriodic(REFRESH_MS, Periodic.onTimer("status page refresh", this::schedule));
  }

  void handle(RoutingContext ctx, Identity who) {
    authorizer
        .check(who, Action.LIST, "")
        .onSuccess(
            v -> {
              if (streams.size() >= MAX_STREAMS) {
                ctx.fail(
                    new ApiFailure.TooManyWaiters(
                        "too many event streams open on this proxy (" + MAX_STREAMS + ")"));
                return;
              }
              HttpServerResponse r = ctx.response();
              r.setChunked(true)
                  .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                  .putHeader("Cache-Control", "no-store")
                  .putHeader("X-Accel-Buffering", "no");
              Stream s = new Stream(r, who, new String[1]);
              streams.add(s);
              r.closeHandler(x -> streams.remove(s));
              r.write(": intercept status feed\n\n");
              snapshot().onSuccess(snap -> send(s, snap));
            })
        .onFailure(ctx::fail);
  }

  int open() {
    return streams.size();
  }

  private void schedule() {
    if (scheduled || streams.isEmpty()) {
      return;
    }
    scheduled = true;
    vertx.setTimer(
        DEBOUNCE_MS,
        t -> {
          scheduled = false;
          snapshot().onSuccess(snap -> List.copyOf(streams).forEach(s -> send(s, snap)));
        });
  }

  /** What the page shows, before hiding what each viewer may not see. */
  private record Snapshot(List<ListedIntercept> intercepts, Map<String, Long> seen) {}

  private Future<Snapshot> snapshot() {
    return registry
        .list(null)
        .compose(stats::listed)
        .compose(all -> registry.sidecarsSeen().map(seen -> new Snapshot(all, seen)));
  }

  private void send(Stream s, Snapshot snap) {
    Map<String, JsonObject> apps = new TreeMap<>();
    Map<String, Integer> waiting = waitingByApp.get();
    snap.seen().forEach((app, at) -> apps.put(app, app(app, at, waiting)));
    snap.intercepts()
        .forEach(
            i ->
                apps.computeIfAbsent(i.app(), a -> app(a, null, waiting))
                    .getJsonArray("intercepts")
                    .add(i.shownTo(s.viewer()).toJson()));
    JsonArray list = new JsonArray();
    apps.values().forEach(list::add);
    String data = new JsonObject().put("apps", list).encode();
    if (data.equals(s.last()[0]) || s.response().closed()) {
      return;
    }
    s.last()[0] = data;
    s.response().write("event: snapshot\ndata: " + data + "\n\n").onFailure(e -> streams.remove(s));
  }

  private static JsonObject app(String app, Long seenAt, Map<String, Integer> waiting) {
    return new JsonObject()
        .put("app", app)
        .put("sidecarLastPoll", seenAt)
        .put("sidecarsWaitingHere", waiting.getOrDefault(app, 0))
        .put("intercepts", new JsonArray());
  }
}

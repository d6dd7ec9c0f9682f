package dev.intercept.proxy;

import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.BusEvents.InterceptsChanged;
import dev.intercept.protocol.Identity;
import dev.intercept.proxy.access.Action;
import dev.intercept.proxy.access.Authorizer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The sidecars' long-poll on {@code GET /api/v1/apps/{app}/routes?since=V&wait=S}: answers at once
 * when the table's version differs from V, otherwise on the next change or after S seconds. Always
 * the full table, so a missed wake-up costs one poll. Waiters are bounded and leave on close.
 */
class RoutePolls {
  private final Authorizer authorizer;
  private final Vertx vertx;
  private final InterceptRegistry registry;
  private final int maxWaiters;
  private final int maxWaitSeconds;
  private final Map<String, Set<Waiter>> waiters = new HashMap<>();
  private int count;

  RoutePolls(
      Authorizer authorizer,
      Vertx vertx,
      InterceptRegistry registry,
      int maxWaiters,
      int maxWaitSeconds) {
    this.authorizer = authorizer;
    this.vertx = vertx;
    this.registry = registry;
    this.maxWaiters = maxWaiters;
    this.maxWaitSeconds = maxWaitSeconds;
    vertx
        .eventBus()
        .<JsonObject>consumer(
            BusAddresses.INTERCEPTS_CHANGED, m -> wake(InterceptsChanged.fromJson(m.body()).app()));
  }

  private final class Waiter {
    final RoutingContext ctx;
    final String app;
    final long since;
    long timer;

    Waiter(RoutingContext ctx, String app, long since) {
      this.ctx = ctx;
      this.app = app;
      this.since = since;
    }
  }

  /** Only a sidecar may poll, and only its poll makes the app known (intercepts may be created). */
  void handle(RoutingContext ctx, Identity who, String app, long since, int waitSeconds) {
    int wait = Math.max(0, Math.min(waitSeconds, maxWaitSeconds));
    authorizer
        .check(who, Action.POLL_ROUTES, app)
        .compose(v -> registry.sidecarSeen(app))
        .compose(v -> registry.routes(app))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                ctx.fail(ar.cause());
              } else if (ar.result().version() != since || wait == 0) {
                ApiAnswers.json(ctx, 200, ar.result().toJson());
              } else if (count >= maxWaiters) {
                ctx.fail(
                    new ApiFailure.TooManyWaiters(
                        "too many sidecars waiting on this proxy (" + maxWaiters + "); retry"));
              } else {
                park(new Waiter(ctx, app, since), wait);
              }
            });
  }

  private void park(Waiter w, int waitSeconds) {
    waiters.computeIfAbsent(w.app, a -> new LinkedHashSet<>()).add(w);
    count++;
    w.timer = vertx.setTimer(waitSeconds * 1000L, t -> answer(w));
    w.ctx.request().connection().closeHandler(v -> remove(w));
    w.ctx.response().closeHandler(v -> remove(w));
  }

  private boolean remove(Waiter w) {
    Set<Waiter> set = waiters.get(w.app);
    if (set == null || !set.remove(w)) {
      return false;
    }
    count--;
    if (set.isEmpty()) {
      waiters.remove(w.app);
    }
    vertx.cancelTimer(w.timer);
    return true;
  }

  private void wake(String app) {
    Set<Waiter> set = waiters.get(app);
    if (set != null) {
      new ArrayList<>(set).forEach(this::answer);
    }
  }

  private void answer(Waiter w) {
    if (!remove(w)) {
      return;
    }
    registry
        .routes(w.app)
        .onComplete(
            ar -> {
              if (w.ctx.response().ended() || w.ctx.response().closed()) {
                return;
              }
              if (ar.failed()) {
                w.ctx.fail(ar.cause());
              } else {
                ApiAnswers.json(w.ctx, 200, ar.result().toJson());
              }
            });
  }

  int waiting() {
    return count;
  }

  /** The polls waiting here, by app (the status page's "sidecars waiting"). */
  Map<String, Integer> waitingByApp() {
    Map<String, Integer> m = new HashMap<>();
    waiters.forEach((app, set) -> m.put(app, set.size()));
    return m;
  }
}

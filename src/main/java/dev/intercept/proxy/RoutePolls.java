package dev.intercept.proxy;

import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.BusEvents.InterceptsChanged;
import dev.intercept.protocol.ErrorAnswer;
import dev.intercept.protocol.Identity;
import dev.intercept.proxy.RouteAnswers.Answer;
import dev.intercept.proxy.access.AccessControl;
import dev.intercept.proxy.access.Action;
import dev.intercept.retry.Periodic;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecars' long-poll on {@code GET /api/v1/apps/{app}/routes?since=V&wait=S}: answers at once
 * when the table's version differs from V, otherwise on the next change or after S seconds. Always
 * the full table, so a missed wake-up costs one poll. A waiting poll holds only its response: one
 * sweep serves every deadline (no timer per poll), and a change answers the app's pollers with one
 * buffer serialized once ({@link RouteAnswers}). Past {@link PollCapacity#limit} a poll gets 503
 * with a random Retry-After and its connection is closed, freeing the descriptor.
 *
 * <p>Polls come two ways: through vertx-web ({@link #handle}), or taken below Vert.x's HTTP objects
 * by a connection's {@link PollGate} ({@link #take}), whose waiting poll is the gate itself.
 */
class RoutePolls {
  private static final Logger LOG = LoggerFactory.getLogger(RoutePolls.class);
  static final long SWEEP_MS = 250;
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence CLOSE = HttpHeaders.createOptimized("close");

  private final AccessControl access;
  private final InterceptRegistry registry;
  private final RouteAnswers answers;
  private final int maxWaiters;
  private final int maxWaitSeconds;
  private final int retryAfterMax;
  private final Map<String, Set<Waiter>> waiters = new HashMap<>();
  private int count;
  private long refused;
  private long taken;
  private LongConsumer fanOut = ms -> {};

  /** Where a poll's answer goes: a Vert.x response, or a {@link PollGate}'s channel. */
  interface Reply {
    /** Still waiting for its answer on an open connection. */
    boolean open();

    /** 200 with the app's table. */
    void send(Answer a);

    /** 500: the table could not be read. */
    void fail();

    /** {@code r} runs once if the connection closes while the poll waits. */
    void onClose(Runnable r);
  }

  /** One waiting poll: where its answer goes, its app, when its wait ends (ms, monotonic). */
  private record Waiter(Reply reply, String app, long deadline) {}

  /** A poll that came through vertx-web. */
  private record VertxReply(HttpServerResponse r) implements Reply {
    @Override
    public boolean open() {
      return !r.closed() && !r.ended();
    }

    @Override
    public void send(Answer a) {
      if (open()) {
        r.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(a.body());
      }
    }

    @Override
    public void fail() {
      if (open()) {
        r.setStatusCode(500)
            .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
            .end(ApiAnswers.INTERNAL.toJson().toBuffer());
      }
    }

    @Override
    public void onClose(Runnable c) {
      r.closeHandler(v -> c.run());
    }
  }

  RoutePolls(
      AccessControl access,
      Vertx vertx,
      InterceptRegistry registry,
      int maxWaiters,
      int maxWaitSeconds,
      int retryAfterMax) {
    this.access = access;
    this.registry = registry;
    this.answers = new RouteAnswers(registry, RoutePolls::now);
    this.maxWaiters = maxWaiters;
    this.maxWaitSeconds = maxWaitSeconds;
    this.retryAfterMax = retryAfterMax;
    vertx
        .eventBus()
        .<JsonObject>consumer(
            BusAddresses.INTERCEPTS_CHANGED, m -> changed(InterceptsChanged.fromJson(m.body())));
    vertx.setPeriodic(SWEEP_MS, Periodic.onTimer("route long-poll sweep", this::sweep));
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }

  /** Only a sidecar may poll, and only its poll makes the app known (intercepts may be created). */
  void handle(RoutingContext ctx, Identity who, String app, long since, int waitSeconds) {
    access
        .authorizer()
        .check(who, Action.POLL_ROUTES, app)
        .compose(v -> current(app))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                ctx.fail(ar.cause());
              } else if (!settle(new VertxReply(ctx.response()), ar.result(), since, waitSeconds)) {
                refuse(ctx);
              }
            });
  }

  /**
   * A poll taken by {@code gate} below Vert.x: authenticated and authorized as in {@link #handle},
   * then answered or parked here. Anything else (401, 403, a failed read, no room left) goes back
   * to Vert.x with {@link PollGate#pass}, which answers it as it answers any request.
   */
  void take(PollGate gate, String token, String app, long since, int waitSeconds) {
    taken++;
    access
        .authenticator()
        .authenticate(token)
        .compose(who -> access.authorizer().check(who, Action.POLL_ROUTES, app))
        .compose(v -> current(app))
        .onComplete(
            ar -> {
              if (ar.failed() || !settle(gate, ar.result(), since, waitSeconds)) {
                gate.pass();
              }
            });
  }

  private Future<Answer> current(String app) {
    return (answers.seenDue(app) ? registry.sidecarSeen(app) : Future.<Void>succeededFuture())
        .compose(v -> answers.current(app));
  }

  /** Answers now, or parks the poll; false when it should wait but no room is left. */
  private boolean settle(Reply reply, Answer a, long since, int waitSeconds) {
    int wait = Math.max(0, Math.min(waitSeconds, maxWaitSeconds));
    if (a.version() != since || wait == 0) {
      reply.send(a);
    } else if (count >= maxWaiters) {
      return false;
    } else if (reply.open()) {
      park(new Waiter(reply, a.app(), now() + wait * 1000L));
    }
    return true;
  }

  /** 503, a Retry-After drawn from [1, max], and the connection closed once the answer is out. */
  private void refuse(RoutingContext ctx) {
    refused++;
    int retryAfter = ThreadLocalRandom.current().nextInt(1, retryAfterMax + 1);
    ApiFailure f =
        new ApiFailure.TooManyWaiters(
            "too many sidecars waiting on this proxy (" + maxWaiters + "); retry", retryAfter);
    HttpServerResponse r = ctx.response();
    if (r.closed() || r.ended()) {
      return;
    }
    r.setStatusCode(f.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfter))
        .putHeader(HttpHeaders.CONNECTION, CLOSE)
        .end(ErrorAnswer.of(f).toJson().toBuffer())
        .onComplete(v -> ctx.request().connection().close());
  }

  private void park(Waiter w) {
    waiters.computeIfAbsent(w.app, a -> new LinkedHashSet<>()).add(w);
    count++;
    w.reply.onClose(() -> remove(w));
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
    return true;
  }

  private void changed(InterceptsChanged change) {
    answers.announced(change.app(), change.version());
    Set<Waiter> set = waiters.remove(change.app());
    if (set != null) {
      count -= set.size();
      answer(change.app(), new ArrayList<>(set), change.version());
    }
  }

  /** {@code c} gets, per change with polls waiting, the ms from its version to its last answer. */
  void onFanOut(LongConsumer c) {
    fanOut = c;
  }

  /** Answers the polls whose wait is over; forgets the apps nobody polls any more. */
  private void sweep() {
    long now = now();
    Map<String, List<Waiter>> due = new HashMap<>();
    for (Iterator<Set<Waiter>> sets = waiters.values().iterator(); sets.hasNext(); ) {
      Set<Waiter> set = sets.next();
      for (Iterator<Waiter> it = set.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (w.deadline <= now) {
          it.remove();
          count--;
          due.computeIfAbsent(w.app, a -> new ArrayList<>()).add(w);
        }
      }
      if (set.isEmpty()) {
        sets.remove();
      }
    }
    due.forEach((app, polls) -> answer(app, polls, -1));
    answers.forgetIdle(maxWaitSeconds * 2_000L + 60_000);
  }

  /**
   * One read of the app's table, one buffer, every one of {@code polls} answered with it; {@code
   * version}: of the change that woke them (a version is the wall-clock ms it was made), or -1.
   */
  private void answer(String app, List<Waiter> polls, long version) {
    answers
        .current(app)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.error("reading the routes of {} for {} polls", app, polls.size(), ar.cause());
              }
              for (Waiter w : polls) {
                if (ar.succeeded()) {
                  w.reply.send(ar.result());
                } else {
                  w.reply.fail();
                }
              }
              if (version > 0 && ar.succeeded()) {
                fanOut.accept(System.currentTimeMillis() - version);
              }
            });
  }

  int waiting() {
    return count;
  }

  /** Polls taken by a {@link PollGate} since start (answered there or passed on). */
  long taken() {
    return taken;
  }

  /** Polls refused with 503 since start. */
  long refused() {
    return refused;
  }

  /** The polls waiting here, by app (the status page's "sidecars waiting"). */
  Map<String, Integer> waitingByApp() {
    Map<String, Integer> m = new HashMap<>();
    waiters.forEach((app, set) -> m.put(app, set.size()));
    return m;
  }
}

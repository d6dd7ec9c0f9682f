package dev.intercept.proxy;

import dev.intercept.protocol.RouteTable;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Each app's route table serialized once per version, the one {@link Buffer} every poller of the
 * app is answered with (Vert.x writes a slice of it per response, never a copy of the table). An
 * answer is reused only while no newer version has been announced for the app and for at most
 * {@link #FRESH_MS}, so a missed or reordered event costs a rebuild, never a stale table for long.
 * Event-loop confined.
 */
final class RouteAnswers {
  static final long FRESH_MS = 2_000;

  /** How often a sidecar's poll records the app as seen (the registry forgets apps in minutes). */
  static final long SEEN_EVERY_MS = 5_000;

  /**
   * One app's table as sent, and when it was built; {@code wire} is the whole HTTP/1.1 answer
   * (status line, headers, body) as {@link PollGate} writes it.
   */
  record Answer(String app, long version, Buffer body, byte[] wire, long builtAt) {
    static Answer of(String app, long version, Buffer body, long builtAt) {
      return new Answer(app, version, body, PollGate.wire(200, "OK", body.getBytes()), builtAt);
    }
  }

  private static final class Entry {
    Answer answer;
    long announced = Long.MIN_VALUE;
    long seenAt = Long.MIN_VALUE;
    long usedAt;
  }

  private final InterceptRegistry registry;
  private final LongSupplier clock;
  private final Map<String, Entry> byApp = new HashMap<>();

  RouteAnswers(InterceptRegistry registry, LongSupplier clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /** The app's current answer: cached when fresh, else read from the registry and serialized. */
  Future<Answer> current(String app) {
    long now = clock.getAsLong();
    Entry e = byApp.computeIfAbsent(app, a -> new Entry());
    e.usedAt = now;
    Answer a = e.answer;
    if (a != null && a.version() >= e.announced && now - a.builtAt() < FRESH_MS) {
      return Future.succeededFuture(a);
    }
    return registry
        .routes(app)
        .map(
            table -> {
              Answer built = Answer.of(app, table.version(), serialize(table), clock.getAsLong());
              Entry still = byApp.get(app);
              // a read that raced a newer announcement answers its caller but is not kept
              if (still != null
                  && built.version() >= still.announced
                  && (still.answer == null || built.version() >= still.answer.version())) {
                still.answer = built;
              }
              return built;
            });
  }

  private static Buffer serialize(RouteTable table) {
    return table.toJson().toBuffer();
  }

  /** A change of the app's table was announced (on any replica): its cached answer is stale. */
  void announced(String app, long version) {
    Entry e = byApp.get(app);
    if (e != null && version > e.announced) {
      e.announced = version;
    }
  }

  /**
   * True at most once per {@link #SEEN_EVERY_MS} per app: when this poll should record the app as
   * seen in the registry (a cluster-wide write; every poll doing it would be thousands a second).
   */
  boolean seenDue(String app) {
    long now = clock.getAsLong();
    Entry e = byApp.computeIfAbsent(app, a -> new Entry());
    if (e.seenAt != Long.MIN_VALUE && now - e.seenAt < SEEN_EVERY_MS) {
      return false;
    }
    e.seenAt = now;
    return true;
  }

  /** Forgets the apps nobody polled for {@code idleMs} (bounded state). */
  void forgetIdle(long idleMs) {
    long cutoff = clock.getAsLong() - idleMs;
    byApp.values().removeIf(e -> e.usedAt < cutoff);
  }
}

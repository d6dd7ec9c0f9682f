package dev.intercept.sidecar;

import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;

/**
 * The route timeout of one event loop's exchanges. Every exchange waits the same time, so the one
 * whose clock started first is the first due: a linked list in start order, one task scheduled for
 * its head. Starting and stopping a clock is a link and an unlink, with no allocation and no
 * priority queue, where a scheduled task per request cost a heap insert and removal each (the
 * profile in docs/benchmarks.md). Used from its loop only.
 */
final class ResponseClock {
  /** What a clock runs for: linked in start order while it runs. */
  abstract static class Timed {
    private Timed prev;
    private Timed next;
    private long due;
    private boolean running;

    /** The timeout passed before the clock was stopped. */
    abstract void timedOut();
  }

  private final EventLoop loop;
  private final long timeoutNanos;
  private Timed first;
  private Timed last;
  private boolean scheduled;

  ResponseClock(EventLoop loop, long timeoutMs) {
    this.loop = loop;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
  }

  /** Starts {@code t}'s clock (once: a running clock keeps its start). */
  void start(Timed t) {
    if (t.running) {
      return;
    }
    t.running = true;
    t.due = System.nanoTime() + timeoutNanos;
    t.prev = last;
    t.next = null;
    if (last == null) {
      first = t;
    } else {
      last.next = t;
    }
    last = t;
    if (!scheduled) {
      schedule(timeoutNanos);
    }
  }

  void stop(Timed t) {
    if (!t.running) {
      return;
    }
    t.running = false;
    if (t.prev == null) {
      first = t.next;
    } else {
      t.prev.next = t.next;
    }
    if (t.next == null) {
      last = t.prev;
    } else {
      t.next.prev = t.prev;
    }
    t.prev = null;
    t.next = null;
  }

  private void schedule(long delayNanos) {
    scheduled = true;
    loop.schedule(this::expire, Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
  }

  /** Times out every exchange due, then waits for the next head (if any). */
  private void expire() {
    scheduled = false;
    long now = System.nanoTime();
    while (first != null && first.due - now <= 0) {
      Timed t = first;
      stop(t);
      t.timedOut();
    }
    if (first != null) {
      schedule(first.due - now);
    }
  }
}

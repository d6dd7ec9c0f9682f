package dev.intercept.proxy.access;

import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Answers of the Kubernetes API reused for a short time, so a busy client or sidecar does not send
 * a review per request. Bounded (oldest out first); a failed review is not kept. Used on one event
 * loop.
 */
final class ReviewCache<T> {
  private static final int MAX_ENTRIES = 10_000;

  private record Entry<T>(Future<T> answer, long until) {}

  private final long ttlMs;
  private final LongSupplier clock;
  private final Map<String, Entry<T>> entries = new LinkedHashMap<>();

  ReviewCache(long ttlMs, LongSupplier clock) {
    this.ttlMs = ttlMs;
    this.clock = clock;
  }

  /** The cached answer for {@code key}, else a new review (in flight ones are shared). */
  synchronized Future<T> get(String key, Supplier<Future<T>> review) {
    long now = clock.getAsLong();
    Entry<T> e = entries.get(key);
    if (e != null && e.until() > now && !e.answer().failed()) {
      return e.answer();
    }
    Future<T> answer = review.get();
    if (ttlMs > 0) {
      entries.remove(key);
      entries.put(key, new Entry<>(answer, now + ttlMs));
      if (entries.size() > MAX_ENTRIES) {
        entries.remove(entries.keySet().iterator().next());
      }
    }
    return answer;
  }
}

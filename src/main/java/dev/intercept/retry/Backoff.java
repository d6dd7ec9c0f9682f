package dev.intercept.retry;

import io.vertx.circuitbreaker.RetryPolicy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one retry policy of the program: exponential backoff with full jitter and a cap, from
 * vertx-circuit-breaker's {@link RetryPolicy#exponentialDelayWithJitter} (the n-th retry waits a
 * random time in [0, min(cap, initial * 2^n))). Every loop that retries the network keeps one
 * {@code Backoff}: {@link #next} after a failure, {@link #reset} after a success. Not thread-safe:
 * one loop, one thread or one Vert.x context.
 */
public final class Backoff {
  private static final Logger LOG = LoggerFactory.getLogger(Backoff.class);
  private final RetryPolicy policy;
  private int failures;

  public Backoff(long initialMs, long capMs) {
    this.policy = RetryPolicy.exponentialDelayWithJitter(initialMs, capMs);
  }

  /** Sidecar polls, client re-registration, tunnel reconnects: 100 ms to 5 s. */
  public static Backoff network() {
    return new Backoff(100, 5_000);
  }

  /** How long to wait before the next attempt, counting this failure. */
  public long next(Throwable failure) {
    failures = Math.min(failures + 1, 30);
    return policy.delay(failure, failures);
  }

  /** A success: the next failure waits the shortest time again. */
  public void reset() {
    failures = 0;
  }

  /** Failures since the last success. */
  public int failures() {
    return failures;
  }

  /**
   * On Vert.x: runs {@code attempt} until it succeeds, waiting {@link #next} between tries, or
   * until {@code stopped} says to give up (the future then fails with the last failure). {@code
   * onFailure} hears of every failed attempt.
   */
  public <T> Future<T> retry(
      Vertx vertx,
      Supplier<Future<T>> attempt,
      BooleanSupplier stopped,
      Consumer<Throwable> onFailure) {
    Promise<T> result = Promise.promise();
    run(vertx, attempt, stopped, onFailure, result);
    return result.future();
  }

  private <T> void run(
      Vertx vertx,
      Supplier<Future<T>> attempt,
      BooleanSupplier stopped,
      Consumer<Throwable> onFailure,
      Promise<T> result) {
    Future<T> tried;
    try {
      tried = attempt.get();
    } catch (RuntimeException e) {
      // thrown instead of failed: the same failure, else the loop would end here for good
      tried = Future.failedFuture(e);
    }
    tried
        .onSuccess(
            v -> {
              reset();
              result.tryComplete(v);
            })
        .onFailure(
            e -> {
              try {
                onFailure.accept(e);
              } catch (RuntimeException listenerFailure) {
                LOG.warn("retry: failure listener threw: {}", listenerFailure.toString());
              }
              if (stopped.getAsBoolean()) {
                result.tryFail(e);
              } else {
                vertx.setTimer(
                    Math.max(1, next(e)), t -> run(vertx, attempt, stopped, onFailure, result));
              }
            });
  }
}

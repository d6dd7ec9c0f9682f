package dev.intercept.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.ProxyFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void delaysAreJitteredUnderADoublingBoundThatStopsAtTheCap() {
    Backoff b = new Backoff(100, 1_000);
    long[] bounds = {200, 400, 800, 1_000, 1_000, 1_000};
    for (int round = 0; round < 200; round++) {
      b.reset();
      for (long bound : bounds) {
        long d = b.next(null);
        assertTrue(d >= 0 && d < bound, d + " within [0, " + bound + ")");
      }
    }
    // full jitter: over many draws the early delays are not all the same
    b.reset();
    long first = b.next(null);
    boolean varied = false;
    for (int i = 0; i < 50 && !varied; i++) {
      b.reset();
      varied = b.next(null) != first;
    }
    assertTrue(varied, "jitter");
  }

  @Test
  void failuresCountUntilASuccessResetsThem() {
    Backoff b = Backoff.network();
    b.next(null);
    b.next(null);
    assertEquals(2, b.failures());
    b.reset();
    assertEquals(0, b.failures());
  }

  @Test
  void retryOnVertxRunsTheAttemptUntilItSucceedsOrIsStopped() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      AtomicInteger calls = new AtomicInteger();
      AtomicInteger heard = new AtomicInteger();
      Backoff b = new Backoff(1, 20);
      String result =
          ProxyFixture.await(
              b.retry(
                  vertx,
                  () ->
                      calls.incrementAndGet() < 4
                          ? Future.failedFuture(new IllegalStateException("not yet"))
                          : Future.succeededFuture("done"),
                  () -> false,
                  e -> heard.incrementAndGet()));
      assertEquals("done", result);
      assertEquals(4, calls.get());
      assertEquals(3, heard.get());
      assertEquals(0, b.failures(), "reset by the success");

      AtomicBoolean stopped = new AtomicBoolean();
      Future<String> never =
          new Backoff(1, 20)
              .retry(
                  vertx,
                  () -> Future.failedFuture(new IllegalStateException("down")),
                  stopped::get,
                  e -> stopped.set(calls.incrementAndGet() > 6));
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> ProxyFixture.await(never));
      assertEquals("down", e.getCause().getMessage());
    } finally {
      ProxyFixture.await(vertx.close());
    }
  }

  @Test
  void anAttemptOrAListenerThatThrowsDoesNotEndTheRetries() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      AtomicInteger calls = new AtomicInteger();
      String result =
          ProxyFixture.await(
              new Backoff(1, 20)
                  .retry(
                      vertx,
                      () -> {
                        if (calls.incrementAndGet() < 3) {
                          throw new IllegalStateException("thrown, not a failed future");
                        }
                        return Future.succeededFuture("done");
                      },
                      () -> false,
                      e -> {
                        throw new IllegalArgumentException("a listener with a bug");
                      }));
      assertEquals("done", result);
      assertEquals(3, calls.get());
    } finally {
      ProxyFixture.await(vertx.close());
    }
  }
}

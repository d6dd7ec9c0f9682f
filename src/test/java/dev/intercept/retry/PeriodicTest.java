package dev.intercept.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.TestWait;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Periodic tasks outlive their failures, where a plain scheduled task dies at the first. */
class PeriodicTest {
  /**
   * Throws on its first two runs (an exception, then an error that is not the JVM's), then works.
   */
  static final class FailsTwice implements Runnable {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger worked = new AtomicInteger();

    @Override
    public void run() {
      int n = calls.incrementAndGet();
      if (n == 1) {
        throw new IllegalStateException("first run fails");
      }
      if (n == 2) {
        throw new AssertionError("second run fails too");
      }
      worked.incrementAndGet();
    }
  }

  @Test
  void aPlainScheduledTaskIsCancelledByItsFirstException() throws Exception {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try {
      FailsTwice task = new FailsTwice();
      ScheduledFuture<?> f = timer.scheduleWithFixedDelay(task, 0, 5, TimeUnit.MILLISECONDS);
      TestWait.until(f::isDone, 5_000, "the task to be cancelled");
      assertEquals(1, task.calls.get(), "never ran again: why every sweeper goes through Periodic");
    } finally {
      timer.shutdownNow();
    }
  }

  @Test
  void aSweeperKeepsRunningAfterFailures() {
    FailsTwice task = new FailsTwice();
    try (Periodic sweeper = Periodic.start("test-sweeper", Duration.ofMillis(5), task)) {
      TestWait.until(() -> task.worked.get() >= 3, 5_000, "three good runs after the failures");
      assertEquals(2, sweeper.failures());
      assertTrue(sweeper.runs() >= 5, "runs: " + sweeper.runs());
    }
  }

  @Test
  void aVertxTimerKeepsRunningAfterFailures() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      FailsTwice task = new FailsTwice();
      vertx.setPeriodic(5, Periodic.onTimer("test-timer", task));
      TestWait.until(() -> task.worked.get() >= 3, 5_000, "three good runs after the failures");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}

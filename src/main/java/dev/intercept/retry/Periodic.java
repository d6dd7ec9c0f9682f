package dev.intercept.retry;

import io.vertx.core.Handler;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every periodic task of the program runs through here, so that none stops for good at its first
 * exception: a {@link ScheduledExecutorService} silently cancels a task that throws, and a Vert.x
 * timer hands the exception to a handler that does not know the task. A failure is logged and the
 * next run comes on time. A {@link VirtualMachineError} is not survived: it goes to the thread's
 * uncaught-exception handler (the jar halts on it) and ends the task.
 */
public final class Periodic implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Periodic.class);

  private final String name;
  private final Runnable task;
  private final ScheduledExecutorService timer;
  private final AtomicLong runs = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();

  private Periodic(String name, Runnable task) {
    this.name = name;
    this.task = task;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Runs {@code task} every {@code period} (first after one period) on a daemon thread, {@code
   * name}.
   */
  public static Periodic start(String name, Duration period, Runnable task) {
    Periodic p = new Periodic(name, task);
    long ms = Math.max(1, period.toMillis());
    p.timer.scheduleWithFixedDelay(p::runOnce, ms, ms, TimeUnit.MILLISECONDS);
    return p;
  }

  /** For {@code vertx.setPeriodic}: {@code task}, surviving its exceptions the same way. */
  public static Handler<Long> onTimer(String name, Runnable task) {
    return id -> surviving(name, task);
  }

  private void runOnce() {
    runs.incrementAndGet();
    if (!surviving(name, task)) {
      failures.incrementAndGet();
    }
  }

  /** Runs {@code task}; false when it threw (logged). */
  private static boolean surviving(String name, Runnable task) {
    try {
      task.run();
      return true;
    } catch (VirtualMachineError e) {
      Thread t = Thread.currentThread();
      t.getUncaughtExceptionHandler().uncaughtException(t, e);
      throw e;
    } catch (Throwable e) {
      // a bug, most likely: the stack says where; the task runs again at its next period
      LOG.warn("{} failed (it runs again as planned): {}", name, e.toString(), e);
      return false;
    }
  }

  /** Runs started so far, failed or not. */
  public long runs() {
    return runs.get();
  }

  /** Runs that threw. */
  public long failures() {
    return failures.get();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}

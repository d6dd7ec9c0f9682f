package dev.intercept.cli;

import dev.intercept.config.Role;
import dev.intercept.retry.Periodic;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A process for {@link FatalErrorsTest}: installs the jar's fatal-error policy as {@code Main}
 * does, then throws what its argument says where it says. A process that survives prints "alive"
 * and exits 0; one that does not exits with {@link FatalErrors#EXIT_CODE}.
 */
public final class FatalErrorsProbe {
  private FatalErrorsProbe() {}

  public static void main(String[] args) throws Exception {
    FatalErrors.install();
    switch (args[0]) {
      case "thread" -> thread(new OutOfMemoryError("Java heap space (probe)"));
      case "vertx" -> onVertx(new StackOverflowError("probe"));
      case "periodic" -> {
        Periodic.start(
            "probe-sweeper",
            Duration.ofMillis(10),
            () -> {
              throw new OutOfMemoryError("Java heap space (probe)");
            });
        Thread.sleep(30_000);
      }
      case "survivable" -> {
        thread(new IllegalStateException("a bug, not the JVM"));
        onVertx(new IllegalStateException("a bug in a handler"));
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
    System.out.println("alive");
    System.exit(0);
  }

  private static void thread(Throwable t) throws InterruptedException {
    Thread th =
        new Thread(
            () -> {
              throw sneaky(t);
            },
            "probe");
    th.start();
    th.join();
  }

  /** Throws in a handler of the role's Vert.x, then waits for a second task on the same loop. */
  private static void onVertx(Throwable t) throws InterruptedException {
    Vertx vertx = RoleLauncher.newVertx(Role.PROXY);
    CountDownLatch after = new CountDownLatch(1);
    vertx.runOnContext(
        v -> {
          throw sneaky(t);
        });
    vertx.runOnContext(v -> after.countDown());
    after.await(30, TimeUnit.SECONDS);
  }

  private static RuntimeException sneaky(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    throw (Error) t;
  }
}

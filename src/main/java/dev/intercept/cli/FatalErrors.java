package dev.intercept.cli;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After an {@link OutOfMemoryError}, or any {@link VirtualMachineError}, the JVM cannot be trusted
 * to go on: a thread of ours may have died half-way through an update. The roles exit at once (code
 * 3, one line on stderr) so that Kubernetes restarts them. {@code -XX:+ExitOnOutOfMemoryError}
 * (bin/intercept, the Dockerfile) covers the heap wherever it runs out; this covers the jar started
 * plainly and the other errors (StackOverflowError, InternalError), in threads that die of them and
 * in Vert.x handlers, whose exceptions go to the Vert.x instance's handler instead.
 */
public final class FatalErrors {
  public static final int EXIT_CODE = 3;
  private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);

  /**
   * Heap given back when a fatal error comes, so that writing the line and halting (which loads a
   * class or two) do not themselves run out of memory: without it, a small heap showed
   * "OutOfMemoryError thrown from the UncaughtExceptionHandler" and exit 1 instead of 3.
   */
  private static volatile byte[] reserve;

  private FatalErrors() {}

  /** Makes an uncaught fatal error, in any thread, end the process. */
  public static void install() {
    reserve = new byte[512 * 1024];
    // link the line's string concatenation now, while there is memory to do it
    line(new OutOfMemoryError(), Thread.currentThread());
    Thread.setDefaultUncaughtExceptionHandler(FatalErrors::uncaught);
  }

  /** The same for the exceptions thrown by {@code vertx}'s handlers; returns it. */
  static Vertx guard(Vertx vertx) {
    return vertx.exceptionHandler(onVertx());
  }

  /** A Vert.x exception handler: halts on a fatal error, else logs it as Vert.x would. */
  static Handler<Throwable> onVertx() {
    return e -> {
      if (isFatal(e)) {
        halt(e, null);
      }
      LOG.error("Unhandled exception", e);
    };
  }

  /** True when {@code e}, or one of its causes, is a {@link VirtualMachineError}. */
  static boolean isFatal(Throwable e) {
    int depth = 0;
    for (Throwable t = e; t != null && depth < 20; t = t.getCause(), depth++) {
      if (t instanceof VirtualMachineError) {
        return true;
      }
    }
    return false;
  }

  private static void uncaught(Thread thread, Throwable e) {
    if (isFatal(e)) {
      halt(e, thread);
    }
    // what the JVM prints without a handler
    System.err.print("Exception in thread \"" + thread.getName() + "\" ");
    e.printStackTrace(System.err);
  }

  /** {@code thread}: the thread that died of it, or null for a Vert.x handler. */
  private static String line(Throwable e, Thread thread) {
    return "intercept: "
        + e
        + " in "
        + (thread == null ? "a Vert.x handler" : "thread " + thread.getName())
        + ": exiting ("
        + EXIT_CODE
        + ") so that the process is restarted";
  }

  private static void halt(Throwable e, Thread thread) {
    reserve = null;
    // everything that allocates is inside the try: out of memory, the line may fail, the halt not
    try {
      System.err.println(line(e, thread));
    } finally {
      // halt, not exit: shutdown hooks would run on a JVM in an unknown state, and may hang
      Runtime.getRuntime().halt(EXIT_CODE);
    }
  }
}

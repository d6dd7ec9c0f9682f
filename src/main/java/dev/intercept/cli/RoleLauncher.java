package dev.intercept.cli;

import dev.intercept.config.Config;
import dev.intercept.config.ConfigException;
import dev.intercept.config.ConfigKey;
import dev.intercept.config.ConfigLoader;
import dev.intercept.config.Role;
import dev.intercept.config.RoleHandle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.BindException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Shared start-up of the server roles: one Vert.x, config layered, role started, errors one line.
 */
final class RoleLauncher {
  private static final long START_TIMEOUT_S = 60;
  private static final long STOP_TIMEOUT_S = 20;

  private RoleLauncher() {}

  /**
   * The role's Vert.x; a fatal error in one of its handlers ends the process. The proxy's uses
   * Netty's epoll transport where the kernel offers it: a connection weighs ~0.4 KiB of heap less
   * than with the JDK's NIO channel, which counts at thousands of waiting route polls.
   */
  static Vertx newVertx(Role role) {
    return FatalErrors.guard(
        Vertx.vertx(
            new VertxOptions()
                .setPreferNativeTransport(role == Role.PROXY)
                .setEventLoopPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors()))));
  }

  static Config loadConfig(Vertx vertx, Role role, Path file, Map<ConfigKey<?>, ?> flags) {
    return await(ConfigLoader.load(vertx, role, file, flags));
  }

  /**
   * Starts a long-running role. A bad setting: one line, exit 2; a failure to start (a port in use,
   * an unreadable key): one line, exit 1.
   */
  static int serve(
      Role role,
      Path file,
      Map<ConfigKey<?>, ?> flags,
      BiFunction<Vertx, Config, Future<? extends RoleHandle>> start) {
    Vertx vertx = newVertx(role);
    try {
      Config config = loadConfig(vertx, role, file, flags);
      RoleHandle handle = await(start.apply(vertx, config));
      // SIGTERM/Ctrl-C: drain in-flight requests (bounded), close what the role owns, exit 0
      Runnable stop =
          () -> {
            System.out.println("intercept " + role.id() + ": stopping");
            try {
              handle
                  .stop()
                  .toCompletionStage()
                  .toCompletableFuture()
                  .get(STOP_TIMEOUT_S, TimeUnit.SECONDS);
            } catch (Exception e) {
              System.err.println("intercept " + role.id() + ": stopped uncleanly: " + message(e));
            }
            System.exit(0);
          };
      Signals.onTerminate(() -> new Thread(stop, "stop").start());
      Signals.onInterrupt(() -> new Thread(stop, "stop").start());
      return Cli.KEEP_RUNNING;
    } catch (RuntimeException e) {
      System.err.println("intercept " + role.id() + ": " + message(e));
      vertx.close();
      return e instanceof ConfigException ? 2 : 1;
    }
  }

  static String message(Throwable e) {
    Throwable t = e;
    while ((t.getMessage() == null || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof BindException
        || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
      return "cannot listen: " + t.getMessage() + " (is another process using the port?)";
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /** Waits for a start-up step; its failure comes out as the exception it failed with. */
  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof RuntimeException re ? re : new StartupFailure(message(c));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupFailure("interrupted while starting");
    } catch (Exception e) {
      throw new StartupFailure("timed out after " + START_TIMEOUT_S + " s: " + message(e));
    }
  }

  /** A start-up step failed for a reason that is not a setting (exit 1). */
  static final class StartupFailure extends RuntimeException {
    StartupFailure(String message) {
      super(message, null, false, false);
    }
  }
}

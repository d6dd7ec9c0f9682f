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
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Shared start-up of the server roles: one Vert.x, config layered, role started, errors one line.
 */
final class RoleLauncher {
  private static final long START_TIMEOUT_S = 60;
  private static final long STOP_TIMEOUT_S = 20;

  private RoleLauncher() {}

  static Vertx newVertx() {
    return Vertx.vertx(
        new VertxOptions()
            .setEventLoopPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors())));
  }

  static Config loadConfig(Vertx vertx, Role role, Path file, Map<ConfigKey, Object> flags) {
    return await(ConfigLoader.load(vertx, role, file, flags));
  }

  /** Starts a long-running role; on failure prints one line and returns non-zero. */
  static int serve(
      Role role,
      Path file,
      Map<ConfigKey, Object> flags,
      BiFunction<Vertx, Config, Future<? extends RoleHandle>> start) {
    Vertx vertx = newVertx();
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
      return 1;
    }
  }

  static String message(Throwable e) {
    Throwable t = e;
    while ((t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof java.net.BindException
        || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
      return "cannot listen: " + t.getMessage() + " (is another process using the port?)";
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof RuntimeException re ? re : new ConfigException(message(c));
    } catch (Exception e) {
      throw new ConfigException(message(e));
    }
  }
}

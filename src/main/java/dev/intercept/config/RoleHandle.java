package dev.intercept.config;

import io.vertx.core.Future;

/** A started role: what the launcher stops on SIGTERM/exit. */
public interface RoleHandle {
  Future<Void> stop();
}

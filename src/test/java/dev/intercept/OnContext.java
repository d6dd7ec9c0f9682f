package dev.intercept;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a test's Vert.x client calls on one context and waits for them. A Vert.x HTTP response read
 * on another context than the one its request was sent from can lose its first chunks or its end
 * (seen here as truncated bodies and hung requests when a test thread called the client directly).
 */
public final class OnContext {
  private final Context context;

  public OnContext(Vertx vertx) {
    this.context = vertx.getOrCreateContext();
  }

  /** Makes the call on the context; its result may be awaited from any thread. */
  public <T> Future<T> submit(Supplier<Future<T>> call) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(done));
    return done.future();
  }

  /** Makes the call on the context and waits up to 20 s for its result. */
  public <T> T await(Supplier<Future<T>> call) throws Exception {
    return submit(call).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}

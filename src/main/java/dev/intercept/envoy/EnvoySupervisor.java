package dev.intercept.envoy;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.file.Path;

/** Keeps an {@link EnvoyProcess} running for as long as this verticle is deployed. */
public class EnvoySupervisor extends VerticleBase {
  private final EnvoyProcess envoy;

  public EnvoySupervisor(Path binary, Path bootstrap) {
    this.envoy = new EnvoyProcess(binary, bootstrap);
  }

  @Override
  public Future<?> start() {
    envoy.start();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return vertx.executeBlocking(
        () -> {
          envoy.close();
          return null;
        });
  }
}

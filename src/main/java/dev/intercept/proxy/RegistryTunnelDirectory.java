package dev.intercept.proxy;

import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.Intercept;
import dev.intercept.tunnel.TunnelDirectory;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** The SSH server's view of the registry: calls from SSHD threads hop onto the proxy's context. */
class RegistryTunnelDirectory implements TunnelDirectory {
  private final Context context;
  private final InterceptRegistry registry;
  private final String advertiseHost;

  RegistryTunnelDirectory(Context context, InterceptRegistry registry, String advertiseHost) {
    this.context = context;
    this.registry = registry;
    this.advertiseHost = advertiseHost;
  }

  @Override
  public CompletionStage<Intercept> lookup(String sshUser) {
    int dot = sshUser.indexOf('.');
    if (dot <= 0) {
      return CompletableFuture.completedFuture(null);
    }
    String name = sshUser.substring(0, dot);
    String app = sshUser.substring(dot + 1);
    return onContext(() -> registry.get(app, name));
  }

  @Override
  public CompletionStage<Boolean> tunnelChanged(Intercept i, boolean up) {
    HostPort ours = new HostPort(advertiseHost, i.port());
    return onContext(() -> registry.setTunnel(i.app(), i.name(), up ? ours : null, ours));
  }

  private <T> CompletionStage<T> onContext(Supplier<Future<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(
        v ->
            call.get()
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        result.complete(ar.result());
                      } else {
                        result.completeExceptionally(ar.cause());
                      }
                    }));
    return result;
  }
}

package dev.intercept.client;

import dev.intercept.api.Credentials;
import dev.intercept.client.kube.Kubeconfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The developer's token from their kubeconfig's context (--context, else the current one), through
 * fabric8's config loading: a token, or an exec plugin (cloud CLIs) whose token is fetched again
 * when the proxy refuses the last one. Loaded only when no --token or INTERCEPT_TOKEN was given (it
 * costs start-up time).
 */
public final class ClientCredentials implements Credentials {
  private final Vertx vertx;
  private final String context;
  private volatile String token;

  private ClientCredentials(Vertx vertx, String context, String token) {
    this.vertx = vertx;
    this.context = context;
    this.token = token;
  }

  /**
   * The credentials to use: the given token, else those of the kubeconfig's {@code context} (empty:
   * the current one), else none. Blocking.
   */
  public static Credentials resolve(Vertx vertx, String given, String context) {
    if (given != null && !given.isBlank()) {
      return Credentials.of(given);
    }
    if (!Kubeconfig.present()) {
      return Credentials.none();
    }
    return new ClientCredentials(vertx, context, read(context));
  }

  private static String read(String context) {
    return Kubeconfig.token(Kubeconfig.read(context));
  }

  @Override
  public String token() {
    return token;
  }

  @Override
  public Future<Boolean> refresh() {
    String before = token;
    return vertx
        .executeBlocking(() -> read(context))
        .map(
            t -> {
              token = t;
              return t != null && !t.equals(before);
            })
        .recover(e -> Future.succeededFuture(false));
  }
}

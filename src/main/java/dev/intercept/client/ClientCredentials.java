package dev.intercept.client;

import dev.intercept.api.Credentials;
import io.fabric8.kubernetes.client.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The developer's token from their kubeconfig's current context, through fabric8's config loading:
 * a token, or an exec plugin (cloud CLIs) whose token is fetched again when the proxy refuses the
 * last one. Loaded only when no --token or INTERCEPT_TOKEN was given (it costs start-up time).
 */
public final class ClientCredentials implements Credentials {
  private final Vertx vertx;
  private volatile String token;

  private ClientCredentials(Vertx vertx, String token) {
    this.vertx = vertx;
    this.token = token;
  }

  /** The credentials to use: the given token, else the kubeconfig's, else none. Blocking. */
  public static Credentials resolve(Vertx vertx, String given) {
    if (given != null && !given.isBlank()) {
      return Credentials.of(given);
    }
    if (!kubeconfigPresent()) {
      return Credentials.none();
    }
    return new ClientCredentials(vertx, read());
  }

  private static boolean kubeconfigPresent() {
    String env = System.getenv("KUBECONFIG");
    if (env != null && !env.isBlank()) {
      for (String f : env.split(File.pathSeparator)) {
        if (!f.isBlank() && Files.isRegularFile(Path.of(f))) {
          return true;
        }
      }
      return false;
    }
    return Files.isRegularFile(Path.of(System.getProperty("user.home"), ".kube", "config"));
  }

  private static String read() {
    try {
      Config c = Config.autoConfigure(null);
      String t = c.getOauthToken() != null ? c.getOauthToken() : c.getAutoOAuthToken();
      return t == null || t.isBlank() ? null : t;
    } catch (RuntimeException e) {
      throw new UserError("cannot read the kubeconfig's credentials: " + e.getMessage());
    }
  }

  @Override
  public String token() {
    return token;
  }

  @Override
  public Future<Boolean> refresh() {
    String before = token;
    return vertx
        .executeBlocking(ClientCredentials::read)
        .map(
            t -> {
              token = t;
              return t != null && !t.equals(before);
            })
        .recover(e -> Future.succeededFuture(false));
  }
}

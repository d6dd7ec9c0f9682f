package dev.intercept.client.kube;

import dev.intercept.client.UserError;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The developer's kubeconfig, read as kubectl reads it (KUBECONFIG, else ~/.kube/config; fabric8's
 * loading, exec plugins included): one context's cluster and credentials, with short timeouts so a
 * cluster that does not answer fails in seconds instead of after fabric8's ten retries.
 */
public record Kubeconfig(Config config, String context) {

  /**
   * True when a kubeconfig file exists: those of KUBECONFIG (or of the system property kubeconfig,
   * which fabric8 reads first), else ~/.kube/config.
   */
  public static boolean present() {
    String env = System.getProperty("kubeconfig", System.getenv("KUBECONFIG"));
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

  /**
   * Context {@code name} (empty: the current one), for calls that time out after {@code timeoutMs}.
   * Blocking (reads files, may run an exec plugin). A missing kubeconfig or context is a {@link
   * UserError} with exit code 2: a setting to fix.
   */
  public static Kubeconfig load(String name, long timeoutMs) {
    if (!present()) {
      throw new UserError(
          "no --proxy-url given and no kubeconfig found (KUBECONFIG, ~/.kube/config): point"
              + " KUBECONFIG at your cluster, or give --proxy-url",
          2);
    }
    Config c = read(name);
    NamedContext current = c.getCurrentContext();
    if (current == null || (!name.isEmpty() && !name.equals(current.getName()))) {
      throw new UserError(
          name.isEmpty()
              ? "the kubeconfig has no current context: give --context NAME"
              : "the kubeconfig has no context '" + name + "'",
          2);
    }
    c.setRequestTimeout((int) timeoutMs);
    c.setConnectionTimeout((int) timeoutMs);
    c.setRequestRetryBackoffLimit(1);
    return new Kubeconfig(c, current.getName());
  }

  /** Context {@code name} (empty: the current one) as fabric8 reads it. Blocking. */
  public static Config read(String name) {
    try {
      return Config.autoConfigure(name.isEmpty() ? null : name);
    } catch (RuntimeException e) {
      throw new UserError("cannot read the kubeconfig: " + e.getMessage(), 2);
    }
  }

  /** The API server's URL, without a trailing slash. */
  public String server() {
    return config.getMasterUrl().replaceAll("/+$", "");
  }

  /** The context's bearer token (or one from its exec plugin), or null. */
  public static String token(Config c) {
    String t = c.getOauthToken() != null ? c.getOauthToken() : c.getAutoOAuthToken();
    return t == null || t.isBlank() ? null : t;
  }
}

package dev.intercept.proxy.access;

import static dev.intercept.config.ConfigKey.ADVERTISE_HOST;
import static dev.intercept.config.ConfigKey.AUTH;
import static dev.intercept.config.ConfigKey.AUTH_CACHE_SECONDS;
import static dev.intercept.config.ConfigKey.AUTH_NAMESPACE;
import static dev.intercept.config.ConfigKey.CLUSTER;
import static dev.intercept.config.ConfigKey.CLUSTER_HOST;
import static dev.intercept.config.ConfigKey.FORWARD_BIND_HOST;
import static dev.intercept.config.ConfigKey.INSECURE;
import static dev.intercept.config.ConfigKey.LISTEN_HOST;
import static dev.intercept.config.ConfigKey.SIDECAR_ACCOUNTS;
import static dev.intercept.config.ConfigKey.TOKEN_FILE;

import dev.intercept.config.Config;
import dev.intercept.config.ConfigException;
import dev.intercept.protocol.Identity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Who may call the proxy API and what they may do, by --auth mode (docs/security.md). */
public record AccessControl(String mode, Authenticator authenticator, Authorizer authorizer) {
  private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);
  private static final Path NAMESPACE_FILE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  /** Everyone is {@link Identity#LOCAL}: only for loopback listeners (or --insecure). */
  public static AccessControl none() {
    return new AccessControl(
        "none", token -> Future.succeededFuture(Identity.LOCAL), new GroupPolicy());
  }

  /** From the proxy's settings. Blocking (reads files); a setting that cannot work: exit 2. */
  public static AccessControl from(Vertx vertx, Config c) {
    return switch (c.get(AUTH)) {
      case "token-file" -> tokenFile(vertx, c);
      case "kubernetes" -> kubernetes(vertx, c);
      default -> unauthenticated(c);
    };
  }

  private static AccessControl tokenFile(Vertx vertx, Config c) {
    if (c.get(TOKEN_FILE).isEmpty()) {
      throw new ConfigException("auth token-file needs --token-file FILE");
    }
    return new AccessControl(
        "token-file", TokenFile.watch(vertx, Path.of(c.get(TOKEN_FILE))), new GroupPolicy());
  }

  private static AccessControl kubernetes(Vertx vertx, Config c) {
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(reviewTimeouts(io.fabric8.kubernetes.client.Config.autoConfigure(null)))
            .withHttpClientFactory(new Vertx5HttpClientFactory(vertx))
            .build();
    String ns = c.get(AUTH_NAMESPACE).isEmpty() ? ownNamespace() : c.get(AUTH_NAMESPACE);
    KubernetesReviews reviews =
        new KubernetesReviews(
            vertx, client, ns, c.get(SIDECAR_ACCOUNTS), c.get(AUTH_CACHE_SECONDS) * 1000L);
    return new AccessControl("kubernetes (namespace " + ns + ")", reviews, reviews);
  }

  /**
   * A review the API server does not answer fails in seconds (a 503), instead of fabric8's default
   * of ten retries with backoff while the caller waits. (Two Config classes here: fabric8's is the
   * qualified one.)
   */
  public static io.fabric8.kubernetes.client.Config reviewTimeouts(
      io.fabric8.kubernetes.client.Config c) {
    c.setRequestRetryBackoffLimit(1);
    c.setRequestTimeout(5_000);
    return c;
  }

  private static String ownNamespace() {
    try {
      return Files.readString(NAMESPACE_FILE).strip();
    } catch (Exception e) {
      return "default";
    }
  }

  /**
   * --auth=none: refused unless every listener binds a loopback address, or --insecure says so
   * (then it warns at every start).
   */
  private static AccessControl unauthenticated(Config c) {
    List<String> open = new ArrayList<>();
    for (String host : listeners(c)) {
      if (!loopback(host)) {
        open.add(host);
      }
    }
    if (!open.isEmpty()) {
      if (!c.get(INSECURE)) {
        throw new ConfigException(
            "auth none on "
                + String.join(", ", open)
                + " would let anyone who reaches them divert traffic: use --auth=kubernetes or"
                + " --auth=token-file, bind 127.0.0.1, or add --insecure");
      }
      LOG.warn(
          "INSECURE: no authentication, and listening on {}: anyone who reaches these addresses"
              + " can take over any app's traffic",
          open);
    }
    return none();
  }

  private static List<String> listeners(Config c) {
    List<String> hosts = new ArrayList<>(List.of(c.get(LISTEN_HOST), c.get(FORWARD_BIND_HOST)));
    if (c.get(CLUSTER)) {
      hosts.add(c.get(CLUSTER_HOST).isEmpty() ? c.get(ADVERTISE_HOST) : c.get(CLUSTER_HOST));
    }
    return hosts;
  }

  private static boolean loopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}

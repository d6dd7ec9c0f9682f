package dev.intercept.proxy;

import dev.intercept.config.Config;
import dev.intercept.config.ConfigKey;
import dev.intercept.tunnel.Keepalive;
import java.util.List;

/** The proxy's configuration, typed once. */
public record ProxySettings(
    String listenHost,
    int apiPort,
    int sshPort,
    List<Integer> forwardPorts,
    String forwardBindHost,
    String advertiseHost,
    String publicSshHost,
    String hostKeyFile,
    Keepalive keepalive,
    int leaseSeconds,
    int maxWaiters,
    int maxPollWaitSeconds,
    int publicSshPort,
    Cluster cluster) {

  /** How this replica joins the others; {@code enabled} false = a single proxy. */
  public record Cluster(
      boolean enabled,
      List<String> members,
      String k8sServiceDns,
      String host,
      int port,
      int eventBusPort,
      int failureSeconds) {}

  public static ProxySettings from(Config c) {
    return new ProxySettings(
        c.get(ConfigKey.LISTEN_HOST),
        c.get(ConfigKey.API_PORT),
        c.get(ConfigKey.SSH_PORT),
        c.get(ConfigKey.FORWARD_PORTS),
        c.get(ConfigKey.FORWARD_BIND_HOST),
        c.get(ConfigKey.ADVERTISE_HOST),
        c.get(ConfigKey.PUBLIC_SSH_HOST),
        c.get(ConfigKey.HOST_KEY_FILE),
        Keepalive.from(c),
        c.get(ConfigKey.LEASE_SECONDS),
        c.get(ConfigKey.MAX_WAITERS),
        c.get(ConfigKey.MAX_POLL_WAIT_SECONDS),
        c.get(ConfigKey.PUBLIC_SSH_PORT),
        new Cluster(
            c.get(ConfigKey.CLUSTER),
            c.get(ConfigKey.CLUSTER_MEMBERS),
            c.get(ConfigKey.CLUSTER_K8S_SERVICE_DNS),
            c.get(ConfigKey.CLUSTER_HOST).isEmpty()
                ? c.get(ConfigKey.ADVERTISE_HOST)
                : c.get(ConfigKey.CLUSTER_HOST),
            c.get(ConfigKey.CLUSTER_PORT),
            c.get(ConfigKey.EVENTBUS_PORT),
            c.get(ConfigKey.CLUSTER_FAILURE_SECONDS)));
  }
}

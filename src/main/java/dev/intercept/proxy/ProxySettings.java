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
        c.required(ConfigKey.LISTEN_HOST),
        c.port(ConfigKey.API_PORT),
        c.port(ConfigKey.SSH_PORT),
        c.portList(ConfigKey.FORWARD_PORTS),
        c.required(ConfigKey.FORWARD_BIND_HOST),
        c.required(ConfigKey.ADVERTISE_HOST),
        c.string(ConfigKey.PUBLIC_SSH_HOST),
        c.string(ConfigKey.HOST_KEY_FILE),
        Keepalive.from(c),
        c.integer(ConfigKey.LEASE_SECONDS, 1, 3600),
        c.integer(ConfigKey.MAX_WAITERS, 1, 1_000_000),
        c.integer(ConfigKey.MAX_POLL_WAIT_SECONDS, 1, 3600),
        c.port(ConfigKey.PUBLIC_SSH_PORT),
        new Cluster(
            c.bool(ConfigKey.CLUSTER),
            c.list(ConfigKey.CLUSTER_MEMBERS),
            c.string(ConfigKey.CLUSTER_K8S_SERVICE_DNS),
            c.string(ConfigKey.CLUSTER_HOST).isEmpty()
                ? c.required(ConfigKey.ADVERTISE_HOST)
                : c.string(ConfigKey.CLUSTER_HOST),
            c.port(ConfigKey.CLUSTER_PORT),
            c.port(ConfigKey.EVENTBUS_PORT),
            c.integer(ConfigKey.CLUSTER_FAILURE_SECONDS, 1, 300)));
  }
}

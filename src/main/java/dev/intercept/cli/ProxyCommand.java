package dev.intercept.cli;

import dev.intercept.config.ConfigKey;
import dev.intercept.config.Role;
import dev.intercept.proxy.ProxyRole;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "--role=proxy",
    mixinStandardHelpOptions = true,
    description =
        "In-cluster proxy: intercept API, sidecar long-polls, SSH server for reverse tunnels.")
final class ProxyCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "JSON or YAML config file (see config/proxy.yaml)")
  Path config;

  @Option(names = "--listen-host", description = "bind address of API and SSH (default 0.0.0.0)")
  String listenHost;

  @Option(names = "--api-port", description = "API port (default 8081; 0 = any)")
  Integer apiPort;

  @Option(names = "--ssh-port", description = "SSH port (default 8022; 0 = any)")
  Integer sshPort;

  @Option(
      names = "--forward-ports",
      paramLabel = "FROM-TO",
      description = "forward port pool (default 9000-9015)")
  String forwardPorts;

  @Option(names = "--forward-bind-host", description = "where forward ports bind (default 0.0.0.0)")
  String forwardBindHost;

  @Option(
      names = "--advertise-host",
      description = "this replica's address for sidecars (default 127.0.0.1)")
  String advertiseHost;

  @Option(
      names = "--public-ssh-host",
      description = "SSH host to tell clients (default: their proxy URL's host)")
  String publicSshHost;

  @Option(names = "--host-key-file", description = "SSH host key file, generated if missing")
  String hostKeyFile;

  @Option(
      names = "--ssh-keepalive-seconds",
      description = "seconds between SSH keepalives (default 2)")
  Integer sshKeepaliveSeconds;

  @Option(
      names = "--ssh-keepalive-max-missed",
      description = "unanswered keepalives before a tunnel is closed (default 3)")
  Integer sshKeepaliveMaxMissed;

  @Option(names = "--lease-seconds", description = "intercept lease TTL (default 10)")
  Integer leaseSeconds;

  @Option(
      names = "--public-ssh-port",
      description = "SSH port to tell clients (default: the bound one)")
  Integer publicSshPort;

  @Option(
      names = "--cluster",
      arity = "0..1",
      fallbackValue = "true",
      description = "run as a replica of a cluster")
  Boolean cluster;

  @Option(
      names = "--cluster-members",
      paramLabel = "HOST[:PORT],...",
      description = "TCP-IP discovery list")
  String clusterMembers;

  @Option(
      names = "--cluster-k8s-service-dns",
      description = "Kubernetes discovery: headless Service DNS name")
  String clusterK8sServiceDns;

  @Option(
      names = "--cluster-host",
      description = "address for Hazelcast and the event bus (default advertise-host)")
  String clusterHost;

  @Option(names = "--cluster-port", description = "Hazelcast port (default 5701)")
  Integer clusterPort;

  @Option(names = "--eventbus-port", description = "clustered event bus port (default any)")
  Integer eventbusPort;

  @Option(
      names = "--cluster-failure-seconds",
      description = "silence before a replica is declared gone (default 5)")
  Integer clusterFailureSeconds;

  @Option(names = "--max-waiters", description = "most long-polls held at once (default 1024)")
  Integer maxWaiters;

  @Option(names = "--max-poll-wait-seconds", description = "cap on a long-poll's wait (default 60)")
  Integer maxPollWaitSeconds;

  @Override
  public Integer call() {
    Map<ConfigKey, Object> f = new EnumMap<>(ConfigKey.class);
    f.put(ConfigKey.LISTEN_HOST, listenHost);
    f.put(ConfigKey.API_PORT, apiPort);
    f.put(ConfigKey.SSH_PORT, sshPort);
    f.put(ConfigKey.FORWARD_PORTS, forwardPorts);
    f.put(ConfigKey.FORWARD_BIND_HOST, forwardBindHost);
    f.put(ConfigKey.ADVERTISE_HOST, advertiseHost);
    f.put(ConfigKey.PUBLIC_SSH_HOST, publicSshHost);
    f.put(ConfigKey.HOST_KEY_FILE, hostKeyFile);
    f.put(ConfigKey.SSH_KEEPALIVE_SECONDS, sshKeepaliveSeconds);
    f.put(ConfigKey.SSH_KEEPALIVE_MAX_MISSED, sshKeepaliveMaxMissed);
    f.put(ConfigKey.LEASE_SECONDS, leaseSeconds);
    f.put(ConfigKey.PUBLIC_SSH_PORT, publicSshPort);
    f.put(ConfigKey.CLUSTER, cluster);
    f.put(ConfigKey.CLUSTER_MEMBERS, clusterMembers);
    f.put(ConfigKey.CLUSTER_K8S_SERVICE_DNS, clusterK8sServiceDns);
    f.put(ConfigKey.CLUSTER_HOST, clusterHost);
    f.put(ConfigKey.CLUSTER_PORT, clusterPort);
    f.put(ConfigKey.EVENTBUS_PORT, eventbusPort);
    f.put(ConfigKey.CLUSTER_FAILURE_SECONDS, clusterFailureSeconds);
    f.put(ConfigKey.MAX_WAITERS, maxWaiters);
    f.put(ConfigKey.MAX_POLL_WAIT_SECONDS, maxPollWaitSeconds);
    return RoleLauncher.serve(Role.PROXY, config, f, ProxyRole::start);
  }
}

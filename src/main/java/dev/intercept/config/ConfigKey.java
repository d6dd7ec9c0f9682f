package dev.intercept.config;

import static dev.intercept.config.Role.CLIENT;
import static dev.intercept.config.Role.ECHO;
import static dev.intercept.config.Role.PROXY;
import static dev.intercept.config.Role.SIDECAR;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Every configuration key, declared once: name, default, roles and meaning. docs/configuration.md
 * lists the same table (a test keeps them in step). Environment: {@code INTERCEPT_<KEY>} (upper
 * case, '-' to '_'), plus the seed's APPNAME/APPPORT. System properties: {@code intercept.<key>}.
 */
public enum ConfigKey {
  LISTEN_HOST(
      "listen-host",
      "0.0.0.0",
      EnumSet.of(PROXY, SIDECAR, ECHO),
      null,
      "Address the role's servers bind (API, SSH, sidecar listener, echo)."),
  API_PORT("api-port", 8081, EnumSet.of(PROXY), null, "Proxy HTTP API port (0 = any free port)."),
  SSH_PORT(
      "ssh-port",
      8022,
      EnumSet.of(PROXY),
      null,
      "Proxy SSH server port for reverse tunnels (0 = any free port)."),
  FORWARD_PORTS(
      "forward-ports",
      "9000-9015",
      EnumSet.of(PROXY),
      null,
      "Pool of forward ports the proxy hands out, one per intercept: 'FROM-TO' or a comma list."),
  FORWARD_BIND_HOST(
      "forward-bind-host",
      "0.0.0.0",
      EnumSet.of(PROXY),
      null,
      "Address the forward ports bind: all interfaces in a cluster so sidecars reach them; 127.0.0.1 locally."),
  ADVERTISE_HOST(
      "advertise-host",
      "127.0.0.1",
      EnumSet.of(PROXY),
      null,
      "Address of this proxy replica that sidecars use to reach its forward ports (pod IP in Kubernetes)."),
  PUBLIC_SSH_HOST(
      "public-ssh-host",
      "",
      EnumSet.of(PROXY),
      null,
      "Host clients should use for SSH; empty = the host of the client's proxy URL."),
  HOST_KEY_FILE(
      "host-key-file",
      "",
      EnumSet.of(PROXY),
      null,
      "SSH host key file: an unencrypted OpenSSH or PEM private key (EC, Ed25519, RSA), e.g. a Kubernetes Secret"
          + " mount; generated there (EC P-256, mode 0600) if missing, never replaced; empty = a fresh key in memory."),
  SSH_KEEPALIVE_SECONDS(
      "ssh-keepalive-seconds",
      2,
      EnumSet.of(PROXY, CLIENT),
      null,
      "Seconds between SSH keepalive requests, sent by both ends of a tunnel."),
  SSH_KEEPALIVE_MAX_MISSED(
      "ssh-keepalive-max-missed",
      3,
      EnumSet.of(PROXY, CLIENT),
      null,
      "Unanswered keepalives after which a tunnel's peer is taken for dead and the session closed"
          + " (the client then reconnects)."),
  LEASE_SECONDS(
      "lease-seconds",
      10,
      EnumSet.of(PROXY),
      null,
      "Lease TTL: an intercept whose client has not renewed for this long is removed."),
  MAX_WAITERS(
      "max-waiters",
      1024,
      EnumSet.of(PROXY),
      null,
      "Most route long-polls held open at once by one proxy; beyond it a poll gets 503 with Retry-After."),
  MAX_POLL_WAIT_SECONDS(
      "max-poll-wait-seconds", 60, EnumSet.of(PROXY), null, "Upper bound on a long-poll's wait=S."),
  PUBLIC_SSH_PORT(
      "public-ssh-port",
      0,
      EnumSet.of(PROXY),
      null,
      "SSH port clients should use (the Service's); 0 = the port this replica's SSH server bound."),
  CLUSTER(
      "cluster",
      false,
      EnumSet.of(PROXY),
      null,
      "Run as one replica of a cluster (Vert.x over Hazelcast): state shared, any replica answers."),
  CLUSTER_MEMBERS(
      "cluster-members",
      "127.0.0.1",
      EnumSet.of(PROXY),
      null,
      "TCP-IP discovery: comma list of HOST or HOST:PORT of replicas' Hazelcast members."),
  CLUSTER_K8S_SERVICE_DNS(
      "cluster-k8s-service-dns",
      "",
      EnumSet.of(PROXY),
      null,
      "Kubernetes discovery: the headless Service's DNS name (replaces cluster-members when set)."),
  CLUSTER_HOST(
      "cluster-host",
      "",
      EnumSet.of(PROXY),
      null,
      "Address Hazelcast and the event bus bind and publish; empty = advertise-host."),
  CLUSTER_PORT(
      "cluster-port",
      5701,
      EnumSet.of(PROXY),
      null,
      "Hazelcast member port (the next free one is tried when taken)."),
  EVENTBUS_PORT(
      "eventbus-port", 0, EnumSet.of(PROXY), null, "Clustered event bus port (0 = any free port)."),
  CLUSTER_FAILURE_SECONDS(
      "cluster-failure-seconds",
      5,
      EnumSet.of(PROXY),
      null,
      "A replica silent for this long is declared gone; its tunnels are marked down."),
  LISTEN_PORT(
      "listen-port",
      9900,
      EnumSet.of(SIDECAR),
      null,
      "Sidecar data-plane port (0 = any free port)."),
  APP_NAME(
      "app-name",
      "",
      EnumSet.of(SIDECAR),
      "APPNAME",
      "The app this sidecar serves; empty = plain forwarder with no intercepts."),
  APP_PORT(
      "app-port", null, EnumSet.of(SIDECAR), "APPPORT", "Port of the app on 127.0.0.1 (required)."),
  APP_HOST(
      "app-host", "127.0.0.1", EnumSet.of(SIDECAR), null, "Host of the app behind the sidecar."),
  PROXY_URL(
      "proxy-url",
      "http://telepresence-proxy:8081",
      EnumSet.of(SIDECAR, CLIENT),
      null,
      "Proxy API base URL; a comma-separated list is tried in turn."),
  POLL_WAIT_SECONDS(
      "poll-wait-seconds",
      25,
      EnumSet.of(SIDECAR),
      null,
      "How long the sidecar asks the proxy to hold each route long-poll."),
  ROUTE_TIMEOUT_SECONDS(
      "route-timeout-seconds",
      15,
      EnumSet.of(SIDECAR),
      null,
      "Upstream response timeout per request, as Envoy's default route timeout (504 after it)."),
  DATA_PLANE(
      "data-plane",
      "builtin",
      EnumSet.of(SIDECAR),
      null,
      "Data plane: 'builtin' (Vert.x router in this process) or 'envoy' (writes Envoy's file-based config)."),
  ENVOY_CONFIG_DIR(
      "envoy-config-dir",
      "/etc/intercept/envoy",
      EnumSet.of(SIDECAR),
      null,
      "Envoy mode: directory of bootstrap.yaml, lds.yaml, cds.yaml (Envoy watches it for moves)."),
  ENVOY_BINARY(
      "envoy-binary",
      "",
      EnumSet.of(SIDECAR),
      null,
      "Envoy mode: the envoy executable to start and supervise; empty = 'envoy' on PATH, else files only."),
  ENVOY_ADMIN_PORT(
      "envoy-admin-port",
      9901,
      EnumSet.of(SIDECAR),
      null,
      "Envoy mode: Envoy's admin port, bound on 127.0.0.1 only."),
  RENEW_SECONDS(
      "renew-seconds", 3, EnumSet.of(CLIENT), null, "How often the client renews its lease."),
  REQUEST_TIMEOUT_SECONDS(
      "request-timeout-seconds",
      5,
      EnumSet.of(SIDECAR, CLIENT),
      null,
      "Timeout for one API call to the proxy (connect and answer)."),
  PORT("port", 8080, EnumSet.of(ECHO), null, "Echo server port (0 = any free port)."),
  HOSTNAME(
      "hostname",
      "",
      EnumSet.of(ECHO),
      null,
      "Name the echo server reports; empty = this machine's host name.");

  private final String key;
  private final Object defaultValue;
  private final Set<Role> roles;
  private final String alias;
  private final String doc;

  ConfigKey(String key, Object defaultValue, Set<Role> roles, String alias, String doc) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.roles = roles;
    this.alias = alias;
    this.doc = doc;
  }

  public String key() {
    return key;
  }

  public Object defaultValue() {
    return defaultValue;
  }

  public Set<Role> roles() {
    return roles;
  }

  public String doc() {
    return doc;
  }

  /** The seed's environment name (APPNAME, APPPORT), or null. */
  public String alias() {
    return alias;
  }

  public String envName() {
    return "INTERCEPT_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  public String sysPropName() {
    return "intercept." + key;
  }
}

package dev.intercept.config;

import static dev.intercept.config.Role.CLIENT;
import static dev.intercept.config.Role.ECHO;
import static dev.intercept.config.Role.PROXY;
import static dev.intercept.config.Role.SIDECAR;

import dev.intercept.protocol.Names;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Every setting, declared once: name, type and accepted values, default, roles, one-line doc. The
 * command-line options of each role, the environment and system-property names, validation and
 * docs/configuration.md are all derived from these declarations. {@code defaultText} is the default
 * as a user would write it (null: required); {@code alias} the seed's environment name.
 */
public record ConfigKey<T>(
    String key, ValueType<T> type, String defaultText, Set<Role> roles, String doc, String alias) {
  private static final List<ConfigKey<?>> ALL = new ArrayList<>();
  private static final ValueType<String> APP_NAME_TYPE =
      ValueType.matching("NAME", "a DNS label (" + Names.RULE + ")", Names.LABEL, true);
  private static final ValueType<String> NAMESPACE_TYPE =
      ValueType.matching("NAMESPACE", "a DNS label (" + Names.RULE + ")", Names.LABEL, false);

  // spotless:off: a table, one declaration a setting
  public static final ConfigKey<String> LISTEN_HOST = declare(
      "listen-host", ValueType.host(false), "127.0.0.1", EnumSet.of(PROXY, SIDECAR, ECHO),
      "Address the role's servers bind (API, SSH, sidecar listener, echo); 0.0.0.0 in a cluster.");
  public static final ConfigKey<Integer> API_PORT = declare(
      "api-port", ValueType.port(true), "8081", EnumSet.of(PROXY),
      "Proxy HTTP API port.");
  public static final ConfigKey<Integer> SSH_PORT = declare(
      "ssh-port", ValueType.port(true), "8022", EnumSet.of(PROXY),
      "Proxy SSH server port for reverse tunnels.");
  public static final ConfigKey<List<Integer>> FORWARD_PORTS = declare(
      "forward-ports", ValueType.portRanges(), "9000-9015", EnumSet.of(PROXY),
      "Pool of forward ports the proxy hands out, one per intercept.");
  public static final ConfigKey<String> FORWARD_BIND_HOST = declare(
      "forward-bind-host", ValueType.host(false), "127.0.0.1", EnumSet.of(PROXY),
      "Address the forward ports bind: 0.0.0.0 in a cluster so sidecars on other pods reach "
          + "them.");
  public static final ConfigKey<String> ADVERTISE_HOST = declare(
      "advertise-host", ValueType.host(false), "127.0.0.1", EnumSet.of(PROXY),
      "Address of this proxy replica that sidecars use to reach its forward ports (pod IP in "
          + "Kubernetes).");
  public static final ConfigKey<String> PUBLIC_SSH_HOST = declare(
      "public-ssh-host", ValueType.host(true), "", EnumSet.of(PROXY),
      "Host clients should use for SSH; empty = the host of the client's proxy URL.");
  public static final ConfigKey<Integer> PUBLIC_SSH_PORT = declare(
      "public-ssh-port", ValueType.integer(0, 65535), "0", EnumSet.of(PROXY),
      "SSH port clients should use (the Service's); 0 = the port this replica's SSH server "
          + "bound.");
  public static final ConfigKey<String> HOST_KEY_FILE = declare(
      "host-key-file", ValueType.path("FILE", true), "", EnumSet.of(PROXY),
      "SSH host key file: an unencrypted OpenSSH or PEM private key (EC, Ed25519, RSA), e.g. "
          + "a Kubernetes Secret mount; generated there (EC P-256, mode 0600) if missing, never "
          + "replaced; empty = a fresh key in memory.");
  public static final ConfigKey<String> AUTH = declare(
      "auth", ValueType.choice("none", "token-file", "kubernetes"), "none", EnumSet.of(PROXY),
      "Who may call the API: 'kubernetes' (TokenReview and SubjectAccessReview), 'token-file' "
          + "(kube-apiserver's static token file), or 'none' (loopback listeners only).");
  public static final ConfigKey<String> TOKEN_FILE = declare(
      "token-file", ValueType.path("FILE", true), "", EnumSet.of(PROXY),
      "auth token-file: CSV lines token,user,uid,\"group1,group2\"; re-read when it changes.");
  public static final ConfigKey<Boolean> INSECURE = declare(
      "insecure", ValueType.bool(), "false", EnumSet.of(PROXY),
      "Allow auth none (or a cluster without event-bus TLS) on listeners beyond loopback; warns.");
  public static final ConfigKey<List<String>> SIDECAR_ACCOUNTS = declare(
      "sidecar-service-accounts", ValueType.list("NAMESPACE:NAME"), "", EnumSet.of(PROXY),
      "auth kubernetes: the service accounts whose tokens are sidecars (they alone poll routes).");
  public static final ConfigKey<String> AUTH_NAMESPACE = declare(
      "auth-namespace", ValueType.host(true), "", EnumSet.of(PROXY),
      "auth kubernetes: namespace of the access reviews; empty = the proxy's own namespace.");
  public static final ConfigKey<Integer> AUTH_CACHE_SECONDS = declare(
      "auth-cache-seconds", ValueType.integer(0, 3600), "10", EnumSet.of(PROXY),
      "auth kubernetes: how long a token review or an access review answer is reused.");
  public static final ConfigKey<Integer> SSH_KEEPALIVE_SECONDS = declare(
      "ssh-keepalive-seconds", ValueType.integer(1, 3600), "1", EnumSet.of(PROXY, CLIENT),
      "Both ends of a tunnel: after this many seconds without a byte from the peer, a keepalive "
          + "request is sent, and another each such interval while it stays silent (a busy "
          + "tunnel sends none: bytes received count as life).");
  public static final ConfigKey<Integer> SSH_KEEPALIVE_MAX_MISSED = declare(
      "ssh-keepalive-max-missed", ValueType.integer(1, 100), "1", EnumSet.of(PROXY, CLIENT),
      "Unanswered keepalives after which a silent peer is taken for dead and the session closed: "
          + "after ssh-keepalive-seconds x (this + 1) without a byte (the client then reconnects, "
          + "the proxy unbinds the port and matched requests go to the pods).");
  public static final ConfigKey<Integer> SSH_MAX_UNAUTHENTICATED = declare(
      "ssh-max-unauthenticated", ValueType.integer(1, 100_000), "32", EnumSet.of(PROXY),
      "Most SSH connections not yet authenticated at once (OpenSSH's MaxStartups); beyond it a "
          + "new connection is closed at once.");
  public static final ConfigKey<Integer> SSH_LOGIN_GRACE_SECONDS = declare(
      "ssh-login-grace-seconds", ValueType.integer(1, 3600), "10", EnumSet.of(PROXY),
      "An SSH connection not authenticated this long after it was accepted is closed (OpenSSH's "
          + "LoginGraceTime).");
  public static final ConfigKey<Integer> SSH_IDLE_SECONDS = declare(
      "ssh-idle-seconds", ValueType.integer(1, 86_400), "30", EnumSet.of(PROXY),
      "An authenticated SSH session that has held no forward for this long is closed (one that "
          + "holds a forward stays while it answers keepalives).");
  public static final ConfigKey<Integer> LEASE_SECONDS = declare(
      "lease-seconds", ValueType.integer(1, 3600), "10", EnumSet.of(PROXY),
      "Lease TTL: an intercept whose client has not renewed for this long is removed.");
  public static final ConfigKey<Integer> MAX_WAITERS = declare(
      "max-waiters", ValueType.integer(0, 1_000_000), "0", EnumSet.of(PROXY),
      "Most route long-polls held open at once by one proxy; beyond it a poll gets 503 with "
          + "Retry-After and the connection closes. 0 = derived at start from the open-file "
          + "limit (less poll-fd-reserve) and the heap (logged).");
  public static final ConfigKey<Integer> POLL_FD_RESERVE = declare(
      "poll-fd-reserve", ValueType.integer(0, 1_000_000), "0", EnumSet.of(PROXY),
      "File descriptors long-polls may never take, kept for API calls, SSH tunnels and their "
          + "forwarded connections, and cluster traffic. 0 = max(256, a tenth of the limit).");
  public static final ConfigKey<Integer> POLL_RETRY_AFTER_SECONDS = declare(
      "poll-retry-after-seconds", ValueType.integer(1, 600), "10", EnumSet.of(PROXY),
      "A refused long-poll's Retry-After is drawn uniformly from 1 to this, so refused "
          + "sidecars come back spread out, not all at once.");
  public static final ConfigKey<Integer> MAX_POLL_WAIT_SECONDS = declare(
      "max-poll-wait-seconds", ValueType.integer(1, 3600), "60", EnumSet.of(PROXY),
      "Upper bound on a long-poll's wait=S.");
  public static final ConfigKey<Integer> MAX_INTERCEPTS = declare(
      "max-intercepts-per-identity", ValueType.integer(1, 10_000), "4", EnumSet.of(PROXY),
      "Most intercepts one identity may hold at once (all apps); beyond it a registration gets 429.");
  public static final ConfigKey<Integer> POLICY_DEADLINE_MS = declare(
      "policy-deadline-ms", ValueType.integer(100, 60_000), "2000", EnumSet.of(PROXY),
      "Time the overlap and catch-all analysis of one registration may take; past it the "
          + "intercept is treated as overlapping (409).");
  public static final ConfigKey<Integer> MAX_REGEX_PROGRAM_SIZE = declare(
      "max-regex-program-size", ValueType.integer(10, 100_000), "100", EnumSet.of(PROXY, SIDECAR),
      "Largest RE2 program a matcher's regex may compile to: Envoy's re2.max_program_size. The "
          + "proxy refuses larger ones (400); a sidecar drops a route over it and gives Envoy the "
          + "same limit. Set the same value on both.");
  public static final ConfigKey<Integer> POLICY_MAX_STATES = declare(
      "policy-max-states", ValueType.integer(100, 1_000_000), "10000", EnumSet.of(PROXY),
      "Most automaton states one step of the overlap and catch-all analysis may build (bounds "
          + "its memory); past it the intercept is treated as overlapping (409).");
  public static final ConfigKey<Integer> FORGET_APPS_SECONDS = declare(
      "forget-apps-after-seconds", ValueType.integer(60, 86_400), "600", EnumSet.of(PROXY),
      "An app whose sidecars have not polled for this long is forgotten (intercepts of it are "
          + "refused until one polls again).");
  public static final ConfigKey<Boolean> CLUSTER = declare(
      "cluster", ValueType.bool(), "false", EnumSet.of(PROXY),
      "Run as one replica of a cluster (Vert.x over Hazelcast): state shared, any replica "
          + "answers.");
  public static final ConfigKey<List<String>> CLUSTER_MEMBERS = declare(
      "cluster-members", ValueType.list("HOST[:PORT]"), "127.0.0.1", EnumSet.of(PROXY),
      "TCP-IP discovery: the replicas' Hazelcast members.");
  public static final ConfigKey<String> CLUSTER_K8S_SERVICE_DNS = declare(
      "cluster-k8s-service-dns", ValueType.host(true), "", EnumSet.of(PROXY),
      "Kubernetes discovery: the headless Service's DNS name (replaces cluster-members when "
          + "set).");
  public static final ConfigKey<String> CLUSTER_HOST = declare(
      "cluster-host", ValueType.host(true), "", EnumSet.of(PROXY),
      "Address Hazelcast and the event bus bind and publish; empty = advertise-host.");
  public static final ConfigKey<Integer> CLUSTER_PORT = declare(
      "cluster-port", ValueType.port(true), "5701", EnumSet.of(PROXY),
      "Hazelcast member port (the next free one is tried when taken).");
  public static final ConfigKey<Integer> EVENTBUS_PORT = declare(
      "eventbus-port", ValueType.port(true), "0", EnumSet.of(PROXY),
      "Clustered event bus port.");
  public static final ConfigKey<String> CLUSTER_NAME = declare(
      "cluster-name", ValueType.secret("NAME"), "intercept-proxy", EnumSet.of(PROXY),
      "Hazelcast cluster name; only members that know it join (keep it in a Secret).");
  public static final ConfigKey<String> EVENTBUS_KEYSTORE = declare(
      "eventbus-keystore", ValueType.path("FILE", true), "", EnumSet.of(PROXY),
      "Clustered: PKCS12 key and certificate of the replicas' mutual-TLS event bus (a Secret).");
  public static final ConfigKey<String> EVENTBUS_KEYSTORE_PASSWORD = declare(
      "eventbus-keystore-password", ValueType.secret("PASSWORD"), "", EnumSet.of(PROXY),
      "Password of eventbus-keystore.");
  public static final ConfigKey<Integer> CLUSTER_FAILURE_SECONDS = declare(
      "cluster-failure-seconds", ValueType.integer(1, 300), "5", EnumSet.of(PROXY),
      "A replica silent for this long is declared gone; its tunnels are marked down.");
  public static final ConfigKey<Integer> LISTEN_PORT = declare(
      "listen-port", ValueType.port(true), "9900", EnumSet.of(SIDECAR),
      "Sidecar data-plane port.");
  public static final ConfigKey<String> APP_NAME = aliased("APPNAME", 
      "app-name", APP_NAME_TYPE, "", EnumSet.of(SIDECAR),
      "The app this sidecar serves; empty = plain forwarder with no intercepts.");
  public static final ConfigKey<Integer> APP_PORT = aliased("APPPORT", 
      "app-port", ValueType.port(false), null, EnumSet.of(SIDECAR),
      "Port of the app behind the sidecar (required).");
  public static final ConfigKey<String> APP_PROTOCOL = aliased("APPPROTOCOL",
      "app-protocol", ValueType.choice("http", "kubernetes.io/h2c", "grpc", "kubernetes.io/ws"),
      "http", EnumSet.of(SIDECAR),
      "How the app speaks, as a Kubernetes Service port's appProtocol: http (HTTP/1.1; WebSocket "
          + "upgrades pass), kubernetes.io/h2c or grpc (HTTP/2 cleartext), kubernetes.io/ws.");
  public static final ConfigKey<Integer> DATA_PLANE_THREADS = declare(
      "data-plane-threads", ValueType.integer(0, 64), "0", EnumSet.of(SIDECAR),
      "Built-in data plane: event loops serving the listener and its upstream connections; 0 = "
          + "one per core.");
  public static final ConfigKey<String> APP_HOST = declare(
      "app-host", ValueType.host(false), "127.0.0.1", EnumSet.of(SIDECAR),
      "Host of the app behind the sidecar.");
  public static final ConfigKey<List<URI>> PROXY_URL = declare(
      "proxy-url", ValueType.httpUrls(), "http://telepresence-proxy:8081",
      EnumSet.of(SIDECAR),
      "Proxy API base URL; several are tried in turn.");
  public static final ConfigKey<Integer> POLL_WAIT_SECONDS = declare(
      "poll-wait-seconds", ValueType.integer(1, 600), "25", EnumSet.of(SIDECAR),
      "How long the sidecar asks the proxy to hold each route long-poll.");
  public static final ConfigKey<Integer> ROUTE_TIMEOUT_SECONDS = declare(
      "route-timeout-seconds", ValueType.integer(1, 3600), "15", EnumSet.of(SIDECAR),
      "Upstream response timeout per request: 504 when the app or laptop sends nothing for "
          + "this long (Envoy: the route's per_try_idle_timeout; a grpc app's calls end at their "
          + "grpc-timeout).");
  public static final ConfigKey<String> DATA_PLANE = declare(
      "data-plane", ValueType.choice("builtin", "envoy"), "builtin", EnumSet.of(SIDECAR),
      "Data plane: 'builtin' (Netty, in this process; docs/dataplane.md) or 'envoy' (writes "
          + "Envoy's file-based config).");
  public static final ConfigKey<String> ENVOY_CONFIG_DIR = declare(
      "envoy-config-dir", ValueType.path("DIR", false), "/etc/intercept/envoy", EnumSet.of(SIDECAR),
      "Envoy mode: directory of bootstrap.yaml, lds.yaml, cds.yaml (Envoy watches it for "
          + "moves).");
  public static final ConfigKey<String> ENVOY_BINARY = declare(
      "envoy-binary", ValueType.path("FILE", true), "", EnumSet.of(SIDECAR),
      "Envoy mode: the envoy executable to start and supervise; empty = 'envoy' on PATH, else "
          + "files only.");
  public static final ConfigKey<Integer> ENVOY_ADMIN_PORT = declare(
      "envoy-admin-port", ValueType.port(true), "9901", EnumSet.of(SIDECAR),
      "Envoy mode: Envoy's admin port, bound on 127.0.0.1 only.");
  public static final ConfigKey<Integer> STATS_SECONDS = declare(
      "stats-seconds", ValueType.integer(1, 3600), "5", EnumSet.of(SIDECAR),
      "How often the sidecar reports its per-intercept counts (requests, bytes, errors, last "
          + "hit) to the proxy, when they changed; on the Envoy plane also how often it reads "
          + "them from Envoy's admin.");
  public static final ConfigKey<Integer> METRICS_PORT = declare(
      "metrics-port", ValueType.integer(-1, 65535), "-1", EnumSet.of(SIDECAR),
      "Sidecar: port of its Prometheus /metrics, never the traffic port; -1 = off, 0 = any free "
          + "port.");
  public static final ConfigKey<String> METRICS_HOST = declare(
      "metrics-host", ValueType.host(false), "127.0.0.1", EnumSet.of(SIDECAR),
      "Sidecar: address /metrics binds (unauthenticated: loopback unless a scraper needs it).");
  public static final ConfigKey<String> TOKEN = declare(
      "token", ValueType.secret("TOKEN"), "", EnumSet.of(SIDECAR, CLIENT),
      "Bearer token for the proxy API; client: empty = the kubeconfig context's credentials.");
  public static final ConfigKey<String> SIDECAR_TOKEN_FILE = declare(
      "token-file", ValueType.path("FILE", true), "", EnumSet.of(SIDECAR),
      "File holding the sidecar's token (a projected service-account token), re-read when it "
          + "changes; wins over token.");
  public static final ConfigKey<List<URI>> CLIENT_PROXY_URL = declare(
      "proxy-url", ValueType.optionalHttpUrls(), "", EnumSet.of(CLIENT),
      "Proxy API base URL, several tried in turn; empty = find the proxy through kubeconfig "
          + "(port-forward to a ready proxy pod: context, namespace).");
  public static final ConfigKey<String> CONTEXT = declare(
      "context", ValueType.text("NAME"), "", EnumSet.of(CLIENT),
      "Kubeconfig context that reaches the proxy (and whose user authenticates to it); empty = "
          + "the current context. KUBECONFIG says which files, as for kubectl.");
  public static final ConfigKey<String> NAMESPACE = declare(
      "namespace", NAMESPACE_TYPE, "intercept", EnumSet.of(CLIENT),
      "Namespace of the proxy (its pods are found by label app.kubernetes.io/name=intercept-proxy).");
  public static final ConfigKey<String> KNOWN_HOSTS = declare(
      "known-hosts-file", ValueType.path("FILE", true), "", EnumSet.of(CLIENT),
      "Where the client pins each proxy's SSH host key; empty = "
          + "$XDG_CONFIG_HOME/intercept/known_hosts (~/.config/...).");
  public static final ConfigKey<Boolean> ACCEPT_NEW_HOST_KEY = declare(
      "accept-new-host-key", ValueType.bool(), "false", EnumSet.of(CLIENT),
      "Accept and pin a proxy host key that differs from the pinned one (after a rotation).");
  public static final ConfigKey<Integer> RENEW_SECONDS = declare(
      "renew-seconds", ValueType.integer(1, 3600), "3", EnumSet.of(CLIENT),
      "How often the client renews its lease.");
  public static final ConfigKey<Integer> REQUEST_TIMEOUT_SECONDS = declare(
      "request-timeout-seconds", ValueType.integer(1, 600), "5", EnumSet.of(SIDECAR, CLIENT),
      "Timeout for one API call to the proxy (connect and answer).");
  public static final ConfigKey<Integer> PORT = declare(
      "port", ValueType.port(true), "8080", EnumSet.of(ECHO),
      "Echo server port.");
  public static final ConfigKey<String> HOSTNAME = declare(
      "hostname", ValueType.text("NAME"), "", EnumSet.of(ECHO),
      "Name the echo server reports; empty = this machine's host name.");
  // spotless:on

  /** Every setting, in declaration order. */
  public static List<ConfigKey<?>> all() {
    return Collections.unmodifiableList(ALL);
  }

  /** The settings of one role, in declaration order. */
  public static List<ConfigKey<?>> of(Role role) {
    return ALL.stream().filter(k -> k.roles.contains(role)).toList();
  }

  private static <T> ConfigKey<T> declare(
      String key, ValueType<T> type, String defaultText, Set<Role> roles, String doc) {
    return aliased(null, key, type, defaultText, roles, doc);
  }

  private static <T> ConfigKey<T> aliased(
      String alias,
      String key,
      ValueType<T> type,
      String defaultText,
      Set<Role> roles,
      String doc) {
    ConfigKey<T> k =
        new ConfigKey<>(key, type, defaultText, Collections.unmodifiableSet(roles), doc, alias);
    // a default its type refuses fails the class's initialisation, so every test sees it
    k.defaultValue();
    ALL.add(k);
    return k;
  }

  /** The default, typed; null when the setting is required. */
  public T defaultValue() {
    return defaultText == null ? null : type.parse(defaultText);
  }

  public boolean required() {
    return defaultText == null;
  }

  public String flag() {
    return "--" + key;
  }

  public String envName() {
    return "INTERCEPT_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  public String sysPropName() {
    return "intercept." + key;
  }

  /** One object per setting: identity, not the fields, makes two keys equal. */
  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }

  @Override
  public String toString() {
    return key;
  }
}

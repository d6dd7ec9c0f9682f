package dev.intercept.proxy;

import static dev.intercept.config.ConfigKey.ADVERTISE_HOST;
import static dev.intercept.config.ConfigKey.CLUSTER_FAILURE_SECONDS;
import static dev.intercept.config.ConfigKey.CLUSTER_HOST;
import static dev.intercept.config.ConfigKey.CLUSTER_K8S_SERVICE_DNS;
import static dev.intercept.config.ConfigKey.CLUSTER_MEMBERS;
import static dev.intercept.config.ConfigKey.CLUSTER_NAME;
import static dev.intercept.config.ConfigKey.CLUSTER_PORT;
import static dev.intercept.config.ConfigKey.EVENTBUS_KEYSTORE;
import static dev.intercept.config.ConfigKey.EVENTBUS_KEYSTORE_PASSWORD;
import static dev.intercept.config.ConfigKey.EVENTBUS_PORT;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.intercept.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PfxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's Vert.x: a single one, or a clustered one whose shared data (intercepts, ports,
 * leases, versions, locks) lives in Hazelcast maps with one backup and whose event bus spans the
 * replicas. Discovery by TCP-IP member list (local runs, tests) or a Kubernetes headless Service.
 */
public final class ProxyCluster {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyCluster.class);
  private final Vertx vertx;
  private final HazelcastClusterManager manager;
  private final String replicaId;

  private ProxyCluster(Vertx vertx, HazelcastClusterManager manager, String replicaId) {
    this.vertx = vertx;
    this.manager = manager;
    this.replicaId = replicaId;
  }

  /** A single proxy on an existing Vert.x. */
  public static ProxyCluster single(Vertx vertx) {
    return new ProxyCluster(vertx, null, UUID.randomUUID().toString());
  }

  /** How this replica joins the others, read from the proxy's settings. */
  record Membership(
      List<String> members,
      String k8sServiceDns,
      String host,
      int port,
      int eventBusPort,
      int failureSeconds,
      String name,
      String keystore,
      String keystorePassword) {
    // Hazelcast has a Config class too: ours is the qualified one here
    static Membership of(dev.intercept.config.Config c) {
      String host = c.get(CLUSTER_HOST);
      return new Membership(
          c.get(CLUSTER_MEMBERS),
          c.get(CLUSTER_K8S_SERVICE_DNS),
          host.isEmpty() ? c.get(ADVERTISE_HOST) : host,
          c.get(CLUSTER_PORT),
          c.get(EVENTBUS_PORT),
          c.get(CLUSTER_FAILURE_SECONDS),
          c.get(CLUSTER_NAME),
          c.get(EVENTBUS_KEYSTORE),
          c.get(EVENTBUS_KEYSTORE_PASSWORD));
    }

    /** Refuses an event bus without TLS unless the operator said --insecure (then warns). */
    void checkTls(boolean insecure) {
      if (!keystore.isEmpty()) {
        return;
      }
      if (!insecure) {
        throw new ConfigException(
            "a clustered proxy's event bus needs TLS: set eventbus-keystore (a PKCS12 key and"
                + " certificate shared by the replicas, see docs/security.md), or add --insecure");
      }
      LOG.warn(
          "INSECURE: the replicas' event bus runs without TLS: anyone who reaches {}:{} can join"
              + " it",
          host,
          eventBusPort == 0 ? "its port" : eventBusPort);
    }
  }

  /** Joins the other replicas (a new clustered Vert.x). */
  public static Future<ProxyCluster> start(Membership c, VertxOptions options) {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(c));
    EventBusOptions bus =
        new EventBusOptions()
            .setHost(c.host())
            .setPort(c.eventBusPort())
            .setClusterPublicHost(c.host());
    if (!c.keystore().isEmpty()) {
      // mutual TLS: every replica shows the shared certificate and accepts only peers that do
      PfxOptions pfx = new PfxOptions().setPath(c.keystore()).setPassword(c.keystorePassword());
      bus.setSsl(true)
          .setKeyCertOptions(pfx)
          .setTrustOptions(pfx)
          .setClientAuth(ClientAuth.REQUIRED);
    }
    options.setEventBusOptions(bus);
    return Vertx.builder()
        .with(options)
        .withClusterManager(manager)
        .buildClustered()
        .map(v -> new ProxyCluster(v, manager, manager.getNodeId()));
  }

  static Config hazelcastConfig(Membership c) {
    // Vert.x's own structures (subscriptions, node info) with their backups, then our network
    Config cfg = ConfigUtil.loadConfig();
    // only members that know the name join (a Secret in k8s/): the open-source edition has no
    // member authentication; the NetworkPolicy keeps other pods away from the port
    cfg.setClusterName(c.name());
    // what we store is strings and numbers (Hazelcast's own serializers): refuse any Java
    // deserialization of classes outside Vert.x's and Hazelcast's own
    cfg.getSerializationConfig()
        .setJavaSerializationFilterConfig(
            new JavaSerializationFilterConfig()
                .setDefaultsDisabled(false)
                .setWhitelist(new ClassFilter().addPrefixes("io.vertx.", "com.hazelcast.")));
    cfg.setProperty("hazelcast.logging.type", "slf4j");
    cfg.setProperty("hazelcast.phone.home.enabled", "false");
    // join at once instead of waiting 5 s for more members
    cfg.setProperty("hazelcast.wait.seconds.before.join", "0");
    cfg.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    cfg.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(c.failureSeconds()));
    cfg.setProperty("hazelcast.local.localAddress", c.host());
    cfg.getMapConfig("intercepts").setBackupCount(1);
    cfg.getMapConfig("route.versions").setBackupCount(1);
    NetworkConfig net = cfg.getNetworkConfig();
    net.setPort(c.port()).setPortAutoIncrement(true).setPortCount(20);
    net.setPublicAddress(c.host());
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (!c.k8sServiceDns().isEmpty()) {
      join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", c.k8sServiceDns());
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(c.members());
    }
    return cfg;
  }

  public Vertx vertx() {
    return vertx;
  }

  public boolean clustered() {
    return manager != null;
  }

  /** This replica's id: the Hazelcast member UUID when clustered. */
  public String replicaId() {
    return replicaId;
  }

  /** Ready: single, or a live member of the cluster. */
  public boolean ready() {
    return manager == null
        || (manager.isActive() && manager.getHazelcastInstance().getLifecycleService().isRunning());
  }

  public int members() {
    return manager == null ? 1 : manager.getNodes().size();
  }

  /** Calls back (on a Hazelcast thread) with the id of every replica that leaves the cluster. */
  public void onReplicaGone(Consumer<String> gone) {
    if (manager == null) {
      return;
    }
    manager
        .getHazelcastInstance()
        .getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent e) {}

              @Override
              public void memberRemoved(MembershipEvent e) {
                gone.accept(e.getMember().getUuid().toString());
              }
            });
  }
}

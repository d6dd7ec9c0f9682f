package dev.intercept.proxy;

import static dev.intercept.config.ConfigKey.ADVERTISE_HOST;
import static dev.intercept.config.ConfigKey.CLUSTER_FAILURE_SECONDS;
import static dev.intercept.config.ConfigKey.CLUSTER_HOST;
import static dev.intercept.config.ConfigKey.CLUSTER_K8S_SERVICE_DNS;
import static dev.intercept.config.ConfigKey.CLUSTER_MEMBERS;
import static dev.intercept.config.ConfigKey.CLUSTER_PORT;
import static dev.intercept.config.ConfigKey.EVENTBUS_PORT;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The proxy's Vert.x: a single one, or a clustered one whose shared data (intercepts, ports,
 * leases, versions, locks) lives in Hazelcast maps with one backup and whose event bus spans the
 * replicas. Discovery by TCP-IP member list (local runs, tests) or a Kubernetes headless Service.
 */
public final class ProxyCluster {
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
      int failureSeconds) {
    // Hazelcast has a Config class too: ours is the qualified one here
    static Membership of(dev.intercept.config.Config c) {
      String host = c.get(CLUSTER_HOST);
      return new Membership(
          c.get(CLUSTER_MEMBERS),
          c.get(CLUSTER_K8S_SERVICE_DNS),
          host.isEmpty() ? c.get(ADVERTISE_HOST) : host,
          c.get(CLUSTER_PORT),
          c.get(EVENTBUS_PORT),
          c.get(CLUSTER_FAILURE_SECONDS));
    }
  }

  /** Joins the other replicas (a new clustered Vert.x). */
  public static Future<ProxyCluster> start(Membership c, VertxOptions options) {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(c));
    options.setEventBusOptions(
        new EventBusOptions()
            .setHost(c.host())
            .setPort(c.eventBusPort())
            .setClusterPublicHost(c.host()));
    return Vertx.builder()
        .with(options)
        .withClusterManager(manager)
        .buildClustered()
        .map(v -> new ProxyCluster(v, manager, manager.getNodeId()));
  }

  static Config hazelcastConfig(Membership c) {
    // Vert.x's own structures (subscriptions, node info) with their backups, then our network
    Config cfg = ConfigUtil.loadConfig();
    cfg.setClusterName("intercept-proxy");
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

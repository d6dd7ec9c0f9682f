package dev.intercept.proxy;

import static dev.intercept.config.ConfigKey.ADVERTISE_HOST;
import static dev.intercept.config.ConfigKey.CLUSTER;
import static dev.intercept.config.ConfigKey.FORGET_APPS_SECONDS;
import static dev.intercept.config.ConfigKey.FORWARD_BIND_HOST;
import static dev.intercept.config.ConfigKey.FORWARD_PORTS;
import static dev.intercept.config.ConfigKey.HOST_KEY_FILE;
import static dev.intercept.config.ConfigKey.INSECURE;
import static dev.intercept.config.ConfigKey.LEASE_SECONDS;
import static dev.intercept.config.ConfigKey.LISTEN_HOST;
import static dev.intercept.config.ConfigKey.MAX_INTERCEPTS;
import static dev.intercept.config.ConfigKey.MAX_REGEX_PROGRAM_SIZE;
import static dev.intercept.config.ConfigKey.POLICY_DEADLINE_MS;
import static dev.intercept.config.ConfigKey.POLICY_MAX_STATES;
import static dev.intercept.config.ConfigKey.PUBLIC_SSH_HOST;
import static dev.intercept.config.ConfigKey.PUBLIC_SSH_PORT;
import static dev.intercept.config.ConfigKey.SSH_PORT;

import dev.intercept.config.Config;
import dev.intercept.config.RoleHandle;
import dev.intercept.config.ValueType;
import dev.intercept.policy.InterceptPolicy;
import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.BusEvents.InterceptRemoved;
import dev.intercept.protocol.Intercept;
import dev.intercept.proxy.access.AccessControl;
import dev.intercept.tunnel.Keepalive;
import dev.intercept.tunnel.SessionLimits;
import dev.intercept.tunnel.TunnelServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The proxy role: registry, SSH server, API, lease reaper; one replica of a cluster or alone. */
public final class ProxyRole {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyRole.class);

  /** A started proxy: where it listens, and how to stop it. */
  public record Running(
      ProxyCluster cluster,
      TunnelServer ssh,
      ApiServer api,
      int apiPort,
      int sshPort,
      Config config)
      implements RoleHandle {
    /** Long-polls held open right now. */
    public int waitingPolls() {
      return api.waitingPolls();
    }

    /** Route polls taken below Vert.x's HTTP objects ({@link PollGate}) since start. */
    public long pollsTakenByGate() {
      return api.pollsTakenByGate();
    }

    public Vertx vertx() {
      return cluster.vertx();
    }

    /**
     * Closes the SSH server (its tunnels drop; their clients reconnect to another replica), then
     * the API (in-flight calls finish) and, clustered, leaves the cluster.
     */
    @Override
    public Future<Void> stop() {
      Vertx vertx = cluster.vertx();
      Promise<Void> done = Promise.promise();
      // off Vert.x's threads: closing Vert.x from its own event loop would wait on itself
      new Thread(
              () -> {
                try {
                  ssh.close();
                } catch (Exception e) {
                  LOG.warn("closing the SSH server: {}", e.toString());
                }
                vertx.close().onComplete(done);
              },
              "proxy-stop")
          .start();
      return done.future();
    }
  }

  private ProxyRole() {}

  /**
   * Starts the proxy. Single: on {@code vertx}. Clustered: {@code vertx} (which loaded the config)
   * is closed and a clustered Vert.x joins the other replicas first.
   */
  public static Future<Running> start(Vertx vertx, Config config) {
    if (!config.get(CLUSTER)) {
      return start(ProxyCluster.single(vertx), config);
    }
    ProxyCluster.Membership membership = ProxyCluster.Membership.of(config);
    try {
      membership.checkTls(config.get(INSECURE));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    long t0 = System.nanoTime();
    // the launcher's policy for exceptions in handlers (fatal errors end the process) carries over
    Handler<Throwable> onError = vertx.exceptionHandler();
    return vertx
        .close()
        .compose(
            v -> ProxyCluster.start(membership, new VertxOptions().setPreferNativeTransport(true)))
        .compose(
            cluster -> {
              cluster.vertx().exceptionHandler(onError);
              LOG.info(
                  "joined the cluster as replica {} in {} ms: {} member(s)",
                  cluster.replicaId(),
                  (System.nanoTime() - t0) / 1_000_000,
                  cluster.members());
              return start(cluster, config);
            });
  }

  private static Future<Running> start(ProxyCluster cluster, Config config) {
    Vertx vertx = cluster.vertx();
    AccessControl access;
    try {
      access = AccessControl.from(vertx, config);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    InterceptPolicy policy =
        new InterceptPolicy(
            vertx,
            config.get(POLICY_DEADLINE_MS),
            config.get(POLICY_MAX_STATES),
            config.get(MAX_REGEX_PROGRAM_SIZE));
    InterceptRegistry registry =
        new InterceptRegistry(
            vertx,
            config.get(FORWARD_PORTS),
            config.get(LEASE_SECONDS) * 1000L,
            System::currentTimeMillis,
            cluster.replicaId(),
            policy,
            config.get(MAX_INTERCEPTS));
    Context context = vertx.getOrCreateContext();
    ProxyMetrics metrics = new ProxyMetrics(vertx, cluster::members, () -> registry.list(null));
    TunnelServer ssh =
        new TunnelServer(
            new RegistryTunnelDirectory(context, registry, config.get(ADVERTISE_HOST)),
            new TunnelServer.Settings(
                config.get(LISTEN_HOST),
                config.get(SSH_PORT),
                config.get(FORWARD_BIND_HOST),
                config.get(HOST_KEY_FILE),
                Keepalive.from(config),
                SessionLimits.from(config)));
    cluster.onReplicaGone(gone -> context.runOnContext(v -> markTunnelsDown(registry, gone)));
    return vertx
        .executeBlocking(
            () -> {
              ssh.start();
              return ssh.hostKey();
            })
        .compose(
            hostKey -> {
              closeTunnelsOfRemovedIntercepts(vertx, ssh);
              int publicSshPort = config.get(PUBLIC_SSH_PORT);
              int sshPort = publicSshPort > 0 ? publicSshPort : ssh.port();
              ApiServer api =
                  new ApiServer(
                      config,
                      registry,
                      policy,
                      new ApiServer.SshEndpoint(config.get(PUBLIC_SSH_HOST), sshPort, hostKey),
                      cluster::ready,
                      access,
                      metrics);
              return vertx
                  .deployVerticle(api)
                  .compose(
                      id ->
                          vertx.deployVerticle(
                              new LeaseReaper(
                                  registry, config.get(FORGET_APPS_SECONDS) * 1000L, metrics)))
                  .map(
                      id -> {
                        printListening(cluster, api, ssh, config, access);
                        LOG.info("SSH host key {}", hostKey);
                        return new Running(cluster, ssh, api, api.actualPort(), ssh.port(), config);
                      });
            });
  }

  private static void markTunnelsDown(InterceptRegistry registry, String gone) {
    registry
        .tunnelsLost(gone)
        .onSuccess(
            lost -> {
              if (!lost.isEmpty()) {
                LOG.warn(
                    "replica {} left the cluster: tunnels of {} marked down (their traffic goes to"
                        + " the pods)",
                    gone,
                    lost.stream().map(Intercept::key).toList());
              }
            })
        .onFailure(
            e ->
                LOG.warn(
                    "replica {} left the cluster; marking its tunnels down failed: {}",
                    gone,
                    e.toString()));
  }

  /** A deleted or lapsed intercept's tunnel closes on whichever replica holds it. */
  private static void closeTunnelsOfRemovedIntercepts(Vertx vertx, TunnelServer ssh) {
    vertx
        .eventBus()
        .<JsonObject>consumer(
            BusAddresses.INTERCEPT_REMOVED,
            m -> {
              InterceptRemoved removed = InterceptRemoved.fromJson(m.body());
              vertx.executeBlocking(
                  () -> {
                    ssh.closeSessions(removed.app(), removed.name());
                    return null;
                  });
            });
  }

  private static void printListening(
      ProxyCluster cluster, ApiServer api, TunnelServer ssh, Config config, AccessControl access) {
    String host = config.get(LISTEN_HOST);
    System.out.println(
        "intercept proxy: listening api="
            + host
            + ":"
            + api.actualPort()
            + " ssh="
            + host
            + ":"
            + ssh.port()
            + " forward-ports="
            + ValueType.ranges(config.get(FORWARD_PORTS))
            + "@"
            + config.get(FORWARD_BIND_HOST)
            + " advertise="
            + config.get(ADVERTISE_HOST)
            + " auth="
            + access.mode()
            + (cluster.clustered()
                ? " cluster="
                    + ProxyCluster.Membership.of(config).host()
                    + " replica="
                    + cluster.replicaId()
                    + " members="
                    + cluster.members()
                : ""));
    System.out.println("intercept proxy: config " + config.describe());
  }
}

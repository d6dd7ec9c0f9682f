package dev.intercept.proxy;

import dev.intercept.config.Config;
import dev.intercept.config.RoleHandle;
import dev.intercept.config.ValueType;
import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.BusEvents.InterceptRemoved;
import dev.intercept.protocol.Intercept;
import dev.intercept.tunnel.TunnelServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
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
      ProxySettings settings)
      implements RoleHandle {
    /** Long-polls held open right now. */
    public int waitingPolls() {
      return api.waitingPolls();
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
    ProxySettings s = ProxySettings.from(config);
    if (!s.cluster().enabled()) {
      return start(ProxyCluster.single(vertx), config, s);
    }
    long t0 = System.nanoTime();
    return vertx
        .close()
        .compose(v -> ProxyCluster.start(s.cluster(), new VertxOptions()))
        .compose(
            cluster -> {
              LOG.info(
                  "joined the cluster as replica {} in {} ms: {} member(s)",
                  cluster.replicaId(),
                  (System.nanoTime() - t0) / 1_000_000,
                  cluster.members());
              return start(cluster, config, s);
            });
  }

  private static Future<Running> start(ProxyCluster cluster, Config config, ProxySettings s) {
    Vertx vertx = cluster.vertx();
    InterceptRegistry registry =
        new InterceptRegistry(
            vertx,
            s.forwardPorts(),
            s.leaseSeconds() * 1000L,
            System::currentTimeMillis,
            cluster.replicaId());
    Context context = vertx.getOrCreateContext();
    TunnelServer ssh =
        new TunnelServer(
            new RegistryTunnelDirectory(context, registry, s.advertiseHost()),
            new TunnelServer.Settings(
                s.listenHost(), s.sshPort(), s.forwardBindHost(), s.hostKeyFile(), s.keepalive()));
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
              int sshPort = s.publicSshPort() > 0 ? s.publicSshPort() : ssh.port();
              ApiServer api =
                  new ApiServer(
                      s,
                      registry,
                      new ApiServer.SshEndpoint(s.publicSshHost(), sshPort, hostKey),
                      cluster::ready);
              return vertx
                  .deployVerticle(api)
                  .compose(id -> vertx.deployVerticle(new LeaseReaper(registry)))
                  .map(
                      id -> {
                        printListening(s, cluster, api, ssh, config);
                        LOG.info("SSH host key {}", hostKey);
                        return new Running(cluster, ssh, api, api.actualPort(), ssh.port(), s);
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
      ProxySettings s, ProxyCluster cluster, ApiServer api, TunnelServer ssh, Config config) {
    System.out.println(
        "intercept proxy: listening api="
            + s.listenHost()
            + ":"
            + api.actualPort()
            + " ssh="
            + s.listenHost()
            + ":"
            + ssh.port()
            + " forward-ports="
            + ValueType.ranges(s.forwardPorts())
            + "@"
            + s.forwardBindHost()
            + " advertise="
            + s.advertiseHost()
            + (cluster.clustered()
                ? " cluster="
                    + s.cluster().host()
                    + " replica="
                    + cluster.replicaId()
                    + " members="
                    + cluster.members()
                : ""));
    System.out.println("intercept proxy: config " + config.describe());
  }
}

package dev.intercept.proxy;

import dev.intercept.config.Config;
import dev.intercept.protocol.BusAddresses;
import dev.intercept.tunnel.TunnelServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The proxy role: registry, SSH server, API, lease reaper. */
public final class ProxyRole {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyRole.class);

  /** A started proxy: where it listens, and how to stop it. */
  public record Running(Vertx vertx, TunnelServer ssh, ApiServer api, int apiPort, int sshPort, ProxySettings settings) {
    /** Long-polls held open right now. */
    public int waitingPolls() {
      return api.waitingPolls();
    }

    public Future<Void> close() {
      return vertx.executeBlocking(() -> {
        ssh.close();
        return null;
      }).compose(v -> Future.<Void>succeededFuture());
    }
  }

  private ProxyRole() {
  }

  public static Future<Running> start(Vertx vertx, Config config) {
    ProxySettings s = ProxySettings.from(config);
    InterceptRegistry registry = new InterceptRegistry(vertx, s.forwardPorts(), s.leaseSeconds() * 1000L,
        System::currentTimeMillis);
    var context = vertx.getOrCreateContext();
    TunnelServer ssh = new TunnelServer(new RegistryTunnelDirectory(context, registry, s.advertiseHost()),
        new TunnelServer.Settings(s.listenHost(), s.sshPort(), s.forwardBindHost(), s.hostKeyFile(), s.keepalive()));
    return vertx.executeBlocking(() -> {
      ssh.start();
      return ssh.hostKey();
    }).compose(hostKey -> {
      vertx.eventBus().<JsonObject>consumer(BusAddresses.INTERCEPT_REMOVED, m -> vertx.executeBlocking(() -> {
        ssh.closeSessions(m.body().getString("app"), m.body().getString("name"));
        return null;
      }));
      ApiServer api = new ApiServer(s, registry, new ApiServer.SshEndpoint(s.publicSshHost(), ssh.port(), hostKey));
      return vertx.deployVerticle(api)
          .compose(id -> vertx.deployVerticle(new LeaseReaper(registry)))
          .map(id -> {
            System.out.println("intercept proxy: listening api=" + s.listenHost() + ":" + api.actualPort()
                + " ssh=" + s.listenHost() + ":" + ssh.port() + " forward-ports=" + ranges(s.forwardPorts())
                + "@" + s.forwardBindHost() + " advertise=" + s.advertiseHost());
            System.out.println("intercept proxy: config " + config.describe());
            LOG.info("SSH host key {}", hostKey);
            return new Running(vertx, ssh, api, api.actualPort(), ssh.port(), s);
          });
    });
  }

  static String ranges(List<Integer> ports) {
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (i < ports.size()) {
      int j = i;
      while (j + 1 < ports.size() && ports.get(j + 1) == ports.get(j) + 1) {
        j++;
      }
      b.append(b.length() == 0 ? "" : ",").append(ports.get(i));
      if (j > i) {
        b.append('-').append(ports.get(j));
      }
      i = j + 1;
    }
    return b.toString();
  }
}

package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.MockApiServer;
import dev.intercept.TestTokens;
import dev.intercept.TestWait;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two proxy replicas as processes (a Hazelcast cluster), each "in its pod": listening on its own
 * loopback address, the pod IP that fabric8's mock API server (the one fake) lists and relays
 * port-forwards to. The client finds them through kubeconfig; its tunnel lands on the replica that
 * answered its registration. Killing that replica (kill -9, its pod still listed Ready, as until
 * its probe fails) sends matched traffic to the pods, then the client's port-forwards move to the
 * live replica and traffic comes back to the laptop.
 */
class KubeconfigProxyClusterMockApiServerIT {
  private static final String NS = "intercept";
  private static final String[] IPS = {"127.0.0.2", "127.0.0.3"};
  private static final String LAPTOP = "Request served by container_on_laptop";
  private static final String POD = "Request served by the-app-pod";
  private final Roles started = new Roles();
  @TempDir Path dir;
  private final RoleProcess[] replicas = new RoleProcess[2];
  private final int[] api = new int[2];
  private final int[] ssh = new int[2];
  private TestTokens tokens;
  private MockApiServer k8s;
  private Map<String, String> kubeconfig;
  private int sidecar;
  private int laptop;

  @BeforeEach
  void cluster() throws Exception {
    tokens = TestTokens.create();
    ClusterSecrets secrets = ClusterSecrets.create(dir);
    String[] hz = Http.freePorts(2).split(",");
    String members = "127.0.0.1:" + hz[0] + ",127.0.0.1:" + hz[1];
    String forwardPorts = Http.freePorts(4);
    for (int i = 0; i < 2; i++) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--role=proxy",
                  "--cluster",
                  "--cluster-members",
                  members,
                  "--cluster-port",
                  hz[i],
                  "--cluster-host",
                  "127.0.0.1",
                  "--cluster-failure-seconds",
                  "3",
                  "--listen-host",
                  IPS[i],
                  "--advertise-host",
                  IPS[i],
                  "--forward-bind-host",
                  IPS[i],
                  "--api-port",
                  "0",
                  "--ssh-port",
                  "0",
                  "--forward-ports",
                  forwardPorts,
                  "--host-key-file",
                  dir.resolve("host-key.pem").toString()));
      args.addAll(secrets.args());
      args.addAll(tokens.proxyArgs());
      replicas[i] = started.start("replica" + i, secrets.env(), args.toArray(String[]::new));
      // the first alone: it makes the shared host key
      var m = replicas[i].awaitLine("listening api=[^ ]*:(\\d+) ssh=[^ ]*:(\\d+) ", 90_000);
      api[i] = Integer.parseInt(m.group(1));
      ssh[i] = Integer.parseInt(m.group(2));
    }
    k8s = MockApiServer.start();
    Path file = k8s.kubeconfig(dir.resolve("kubeconfig"), "ha", tokens.of("alice"));
    kubeconfig = Map.of("KUBECONFIG", file.toString());
    for (int i = 0; i < 2; i++) {
      k8s.addProxyPod(NS, "intercept-proxy-" + i, IPS[i], api[i], ssh[i], true);
    }
    RoleProcess pod = started.echo("pod", "the-app-pod");
    laptop = started.echo("laptop", "container_on_laptop").port("http");
    RoleProcess sc =
        started.start(
            "sidecar",
            Map.of(
                "APPNAME",
                "myapp",
                "APPPORT",
                Integer.toString(pod.port("http")),
                "INTERCEPT_TOKEN",
                tokens.of("sidecar")),
            "--role=sidecar",
            "--listen-host",
            "127.0.0.1",
            "--listen-port",
            "0",
            "--proxy-url",
            "http://" + IPS[0] + ":" + api[0] + ",http://" + IPS[1] + ":" + api[1],
            "--poll-wait-seconds",
            "5");
    sidecar = sc.port("http");
    sc.awaitLine("connected to the proxy", 30_000);
  }

  @AfterEach
  void stopAll() {
    started.close();
    k8s.close();
  }

  String servedBy(String path) {
    try {
      return Http.get(sidecar, path).firstLine();
    } catch (Exception e) {
      return e.toString();
    }
  }

  /** Where the intercept's tunnel is held, as {@code status} through kubeconfig says it. */
  String tunnelHost() throws Exception {
    RoleProcess status = started.start("status", kubeconfig, "--role=client", "status");
    assertEquals(0, status.awaitExit(30_000), status.stderr().toString());
    String line = status.stdout().get(4);
    assertTrue(line.startsWith("  myapp/test port "), status.stdout().toString());
    return line.replaceAll(".* tunnel (up at )?", "");
  }

  @Test
  void theTunnelFollowsTheReplicaThatAnswersAcrossAKill() throws Exception {
    RoleProcess c =
        started.start(
            "alice",
            kubeconfig,
            "--role=client",
            "intercept",
            "myapp",
            "-m",
            ":path",
            ".*ark3.*",
            "--name",
            "test",
            "-p",
            Integer.toString(laptop));
    c.awaitLine("^T: Intercept is running", 60_000);
    TestWait.until(() -> servedBy("/ark3").equals(LAPTOP), 10_000, "/ark3 at the laptop");
    String line = c.stdout().get(6);
    int first = line.contains("pod intercept/intercept-proxy-0 ") ? 0 : 1;
    assertTrue(line.contains("pod intercept/intercept-proxy-" + first + " "), line);
    int other = 1 - first;
    assertEquals(IPS[first], tunnelHost(), "the tunnel is on the replica that registered it");
    assertTrue(k8s.streams(NS, "intercept-proxy-" + first, ssh[first]) >= 1);
    assertEquals(0, k8s.streams(NS, "intercept-proxy-" + other, ssh[other]));

    replicas[first].close(); // kill -9; the API still lists its pod as Ready
    TestWait.until(() -> servedBy("/ark3").equals(POD), 15_000, "matched traffic to the pods");
    TestWait.until(
        () -> servedBy("/ark3").equals(LAPTOP), 60_000, "the client back through the live replica");
    assertEquals(IPS[other], tunnelHost(), "the tunnel moved to the live replica");
    assertTrue(k8s.streams(NS, "intercept-proxy-" + other, ssh[other]) >= 1);
    assertTrue(
        c.stdout().stream().anyMatch(l -> l.startsWith("T: Tunnel to the proxy lost")),
        c.stdout().toString());
    c.signal("INT");
    assertEquals(0, c.awaitExit(20_000), c.stderr().toString());
    TestWait.until(() -> servedBy("/ark3").equals(POD), 10_000, "the intercept removed");
  }
}

package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.TestWait;
import dev.intercept.tunnel.TunnelKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three proxy replicas as processes, clustered over Hazelcast on loopback; a sidecar polling the
 * first; a client registered through the second and tunnelled through the third (the second tells
 * clients the third's SSH port, as a Service would send the connection anywhere).
 */
class ProxyClusterIT {
  private final Roles started = new Roles();
  @TempDir Path dir;
  private String members;
  private String forwardPorts;
  private ClusterSecrets secrets;
  private final RoleProcess[] replicas = new RoleProcess[3];
  private final int[] api = new int[3];
  private final int[] ssh = new int[3];
  private final String[] replicaId = new String[3];
  private int sidecar;
  private int laptop;

  RoleProcess startReplica(int i, String clusterPort, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--role=proxy",
                "--cluster",
                "--cluster-members",
                members,
                "--cluster-port",
                clusterPort,
                "--cluster-failure-seconds",
                "3",
                "--listen-host",
                "127.0.0.1",
                "--api-port",
                "0",
                "--ssh-port",
                "0",
                "--forward-ports",
                forwardPorts,
                "--forward-bind-host",
                "127.0.0.1",
                "--host-key-file",
                dir.resolve("host-key.pem").toString(),
                "--lease-seconds",
                "30",
                // every registration here is the one local identity (no auth on loopback)
                "--max-intercepts-per-identity",
                "100"));
    args.addAll(secrets.args());
    args.addAll(List.of(extra));
    return started.start("replica" + (i + 1), secrets.env(), args.toArray(String[]::new));
  }

  void awaitReplica(int i) throws Exception {
    var m =
        replicas[i].awaitLine(
            "listening api=[^ ]*:(\\d+) ssh=[^ ]*:(\\d+) .* replica=([^ ]+) members=", 90_000);
    api[i] = Integer.parseInt(m.group(1));
    ssh[i] = Integer.parseInt(m.group(2));
    replicaId[i] = m.group(3);
  }

  String url(int... which) {
    StringBuilder b = new StringBuilder();
    for (int i : which) {
      b.append(b.length() == 0 ? "" : ",").append("http://127.0.0.1:").append(api[i]);
    }
    return b.toString();
  }

  @BeforeEach
  void cluster() throws Exception {
    secrets = ClusterSecrets.create(dir);
    String[] hz = Http.freePorts(3).split(",");
    members = "127.0.0.1:" + hz[0] + ",127.0.0.1:" + hz[1] + ",127.0.0.1:" + hz[2];
    forwardPorts = Http.freePorts(6);
    // the third first: it makes the shared host key, and the second needs its SSH port
    replicas[2] = startReplica(2, hz[2]);
    awaitReplica(2);
    replicas[0] = startReplica(0, hz[0]);
    replicas[1] = startReplica(1, hz[1], "--public-ssh-port", Integer.toString(ssh[2]));
    awaitReplica(0);
    awaitReplica(1);
    TestWait.until(() -> members(0) == 3, 30_000, "three members");
    RoleProcess pod = started.echo("pod", "the-app-pod");
    RoleProcess lap = started.echo("laptop", "container_on_laptop");
    laptop = lap.port("http");
    RoleProcess sc =
        started.start(
            "sidecar",
            Map.of("APPNAME", "myapp", "APPPORT", Integer.toString(pod.port("http"))),
            "--role=sidecar",
            "--listen-host",
            "127.0.0.1",
            "--listen-port",
            "0",
            "--proxy-url",
            url(0, 1, 2),
            "--poll-wait-seconds",
            "5");
    sidecar = sc.port("http");
    sc.awaitLine("connected to the proxy", 30_000);
  }

  @AfterEach
  void stopAll() {
    started.close();
  }

  int members(int i) {
    try {
      return replicas[i].stdout().stream().filter(l -> l.contains("listening")).count() > 0 ? 3 : 0;
    } catch (Exception e) {
      return 0;
    }
  }

  JsonArray list(int i) throws Exception {
    RoleProcess l =
        RoleProcess.start("list", Map.of(), "--role=client", "list", "--proxy-url", url(i));
    try {
      l.awaitExit(30_000);
    } finally {
      l.close();
    }
    return new JsonArray(Http.get(api[i], "/api/v1/intercepts").body());
  }

  String servedBy(String path, String... headers) {
    try {
      Http.Response r = Http.get(sidecar, path, headers);
      return r.status() + " " + r.firstLine();
    } catch (Exception e) {
      return e.toString();
    }
  }

  RoleProcess client(String name, String urls, String... match) throws Exception {
    List<String> args = new ArrayList<>(List.of("--role=client", "intercept", "myapp"));
    args.addAll(List.of(match));
    args.addAll(List.of("--name", name, "-p", Integer.toString(laptop), "--proxy-url", urls));
    RoleProcess c = started.start(name, Map.of(), args.toArray(String[]::new));
    c.awaitLine("^T: Intercept is running", 60_000);
    return c;
  }

  static final String LAPTOP = "200 Request served by container_on_laptop";
  static final String POD = "200 Request served by the-app-pod";

  @Test
  void killingTheTunnelsReplicaFailsOpenThenTheClientReconnectsToALiveOne() throws Exception {
    RoleProcess c = client("test", url(1, 0), "-m", ":path", ".*ark3.*");
    TestWait.until(() -> servedBy("/ark3").equals(LAPTOP), 10_000, "/ark3 at the laptop");
    JsonObject held = new JsonArray(Http.get(api[0], "/api/v1/intercepts").body()).getJsonObject(0);
    assertEquals(
        replicaId[2],
        held.getJsonObject("tunnel").getString("replica"),
        "tunnelled through the third");

    replicas[2].close(); // kill -9
    long killed = System.currentTimeMillis();
    Set<String> seen = new HashSet<>();
    long backOnPod = -1;
    long backAtLaptop = -1;
    while (System.currentTimeMillis() - killed < 60_000 && backAtLaptop < 0) {
      String s = servedBy("/ark3");
      seen.add(s);
      long t = System.currentTimeMillis() - killed;
      if (s.equals(POD) && backOnPod < 0) {
        backOnPod = t;
      }
      if (s.equals(LAPTOP) && backOnPod >= 0) {
        backAtLaptop = t;
      }
    }
    System.out.printf(
        "failover: matched traffic on the pod after %d ms, at the laptop again after %d ms%n",
        backOnPod, backAtLaptop);
    assertTrue(
        seen.stream().allMatch(s -> s.equals(POD) || s.equals(LAPTOP)), "never an error: " + seen);
    assertTrue(
        backOnPod >= 0 && backOnPod < 2_000,
        "matched traffic on the pods within 2 s: " + backOnPod);
    assertTrue(backAtLaptop > 0, "the client reconnected to a live replica: " + c.stdout());
    JsonObject now = new JsonArray(Http.get(api[0], "/api/v1/intercepts").body()).getJsonObject(0);
    assertEquals("test", now.getString("name"), "the survivors still list the intercept");
    assertTrue(!replicaId[2].equals(now.getJsonObject("tunnel").getString("replica")));
    assertTrue(
        c.stdout().stream().anyMatch(l -> l.startsWith("T: Tunnel to the proxy lost")),
        c.stdout().toString());
  }

  @Test
  void killingTheSidecarsReplicaMissesNoChange() throws Exception {
    RoleProcess a = client("alice", url(1, 0), "-m", ":path", ".*ark3.*");
    TestWait.until(() -> servedBy("/ark3").equals(LAPTOP), 10_000, "/ark3 at the laptop");
    replicas[0].close(); // the one the sidecar polls
    RoleProcess b = client("bob", url(1), "-m", "x-dev", "bob");
    TestWait.until(
        () -> servedBy("/foo", "x-dev", "bob").equals(LAPTOP),
        20_000,
        "the sidecar, now on another replica, to route bob's intercept");
    a.signal("INT");
    assertEquals(0, a.awaitExit(20_000));
    TestWait.until(
        () -> servedBy("/ark3").equals(POD), 20_000, "alice's removal to reach the sidecar");
    assertEquals(LAPTOP, servedBy("/foo", "x-dev", "bob"));
  }

  @Test
  void aRestartedReplicaRejoinsSeesEverythingAndNoPortIsHandedOutTwice() throws Exception {
    client("keep", url(1), "-m", ":path", "/keep");
    replicas[1].close();
    // registrations through the survivors while the cluster shrinks and grows again
    List<Integer> ports = new ArrayList<>();
    assertEquals(
        200,
        Http.get(api[0], "/api/v1/apps/other/routes?since=-1").status(),
        "a sidecar of 'other' polls");
    Thread register =
        new Thread(
            () -> {
              for (int n = 0; n < 4; n++) {
                for (int i : new int[] {0, 2}) {
                  try {
                    String body =
                        new JsonObject()
                            .put(
                                "matchers",
                                new JsonArray()
                                    .add(
                                        new JsonObject()
                                            .put("header", ":path")
                                            .put("regex", "/r" + n + i)))
                            .put(
                                "publicKey",
                                TunnelKeys.toOpenSsh(TunnelKeys.generate().getPublic()))
                            .encode();
                    Http.Response r =
                        Http.send(
                            api[i],
                            "PUT",
                            "/api/v1/apps/other/intercepts/r" + n + "-" + i,
                            body.getBytes());
                    if (r.status() == 201) {
                      synchronized (ports) {
                        ports.add(new JsonObject(r.body()).getInteger("port"));
                      }
                    }
                  } catch (Exception e) {
                    // a replica may be busy re-balancing: the assertion below counts what was
                    // granted
                  }
                }
              }
            });
    register.start();
    replicas[1] = startReplica(1, members.split(",")[1].split(":")[1]);
    awaitReplica(1);
    register.join(60_000);
    JsonArray all = new JsonArray(Http.get(api[1], "/api/v1/intercepts").body());
    Set<Integer> distinct = new HashSet<>();
    all.forEach(o -> distinct.add(((JsonObject) o).getInteger("port")));
    assertEquals(all.size(), distinct.size(), "every intercept has its own port: " + all.encode());
    assertEquals(1 + ports.size(), all.size(), "the restarted replica sees every intercept");
    assertTrue(ports.size() >= 5, "the pool of 6 was mostly handed out: " + ports);
    JsonObject routes =
        new JsonObject(Http.get(api[1], "/api/v1/apps/myapp/routes?since=-1").body());
    assertEquals(
        "keep",
        routes.getJsonArray("routes").getJsonObject(0).getString("name"),
        "the restarted replica serves long-polls with the live table");
  }
}

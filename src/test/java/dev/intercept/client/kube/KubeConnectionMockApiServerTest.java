package dev.intercept.client.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.MockApiServer;
import dev.intercept.ProxyFixture;
import dev.intercept.TestWait;
import dev.intercept.api.Credentials;
import dev.intercept.api.ProxyApiClient;
import dev.intercept.client.UserError;
import dev.intercept.config.ConfigKey;
import dev.intercept.it.Http;
import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.Registration;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's connection through kubeconfig against fabric8's mock API server (the one fake: no
 * API server runs here), whose port-forward relays real bytes, as the kubelet does, to real proxies
 * in this JVM: the API and SSH reach a ready pod, a vanished or dead replica is left for a live
 * one, SSH goes to the replica a registration names, and what the user must fix is one line.
 */
class KubeConnectionMockApiServerTest {
  private static final String NS = "intercept";
  @TempDir Path dir;
  private MockApiServer k8s;
  private Vertx vertx;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void start() {
    k8s = MockApiServer.start();
    vertx = Vertx.vertx();
    System.setProperty("kubeconfig", k8s.kubeconfig(dir.resolve("config"), "mock", "t").toString());
  }

  @AfterEach
  void stop() throws Exception {
    System.clearProperty("kubeconfig");
    for (AutoCloseable c : closing) {
      try {
        c.close();
      } catch (Exception e) {
        // closed by the test already (a crash)
      }
    }
    k8s.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private ProxyFixture proxy(String ip) throws Exception {
    ProxyFixture p =
        ProxyFixture.start(
            Map.of(
                ConfigKey.LISTEN_HOST, ip,
                ConfigKey.ADVERTISE_HOST, ip,
                ConfigKey.FORWARD_BIND_HOST, ip));
    closing.add(p);
    return p;
  }

  private KubeConnection connect(String context) {
    KubeConnection c = KubeConnection.open(vertx, context, NS, 3_000);
    closing.add(0, c);
    return c;
  }

  private ProxyApiClient api(KubeConnection c, ProxyFixture p) {
    return new ProxyApiClient(vertx, c.apiUrls(), 3_000, Credentials.of(p.token("alice")));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theApiReachesTheReadyPodThroughTheForwardedLoopbackPort() throws Exception {
    ProxyFixture p = proxy("127.0.0.1");
    k8s.addProxyPod(NS, "intercept-proxy-b", "127.0.0.1", p.apiPort(), p.sshPort(), false);
    k8s.addProxyPod(NS, "intercept-proxy-a", "127.0.0.1", p.apiPort(), p.sshPort(), true);
    KubeConnection c = connect("");
    Matcher m =
        Pattern.compile(
                "Connecting to the proxy through kubeconfig context mock: port-forward to pod"
                    + " intercept/intercept-proxy-a \\(api 127\\.0\\.0\\.1:(\\d+), ssh"
                    + " 127\\.0\\.0\\.1:(\\d+)\\)")
            .matcher(c.describe());
    assertTrue(m.matches(), c.describe());
    assertEquals("http://127.0.0.1:" + m.group(1), c.apiUrls().get(0).toString());
    ProxyApiClient api = api(c, p);
    assertEquals("ok", await(api.health()));
    assertEquals(List.of(), await(api.list(null)));
    assertTrue(k8s.streams(NS, "intercept-proxy-a", p.apiPort()) >= 2, "probe, then the calls");
    assertEquals(0, k8s.streams(NS, "intercept-proxy-b", p.apiPort()), "never the unready pod");
    assertEquals(
        k8s.url() + "/api/v1/namespaces/intercept/services/intercept-proxy",
        c.identity(c.apiUrls().get(0)).toString(),
        "the host key is pinned per cluster and namespace, not per local port");
  }

  @Test
  void aVanishedPodIsLeftForALiveOne() throws Exception {
    ProxyFixture p = proxy("127.0.0.1");
    k8s.addProxyPod(NS, "intercept-proxy-a", "127.0.0.1", p.apiPort(), p.sshPort(), true);
    KubeConnection c = connect("");
    k8s.addProxyPod(NS, "intercept-proxy-b", "127.0.0.1", p.apiPort(), p.sshPort(), true);
    k8s.deletePod(NS, "intercept-proxy-a");
    // a new client: a new connection, a new stream: the API says 404, the next pod is tried
    assertEquals("ok", await(api(c, p).health()));
    assertTrue(k8s.streams(NS, "intercept-proxy-b", p.apiPort()) >= 1);
    assertTrue(c.describe().contains("pod intercept/intercept-proxy-b"), c.describe());
  }

  @Test
  void aReplicaThatCrashesWhileListedReadyIsLeftForALiveOne() throws Exception {
    ProxyFixture crashing = proxy("127.0.0.1");
    ProxyFixture live = proxy("127.0.0.1");
    k8s.addProxyPod(
        NS, "intercept-proxy-a", "127.0.0.1", crashing.apiPort(), crashing.sshPort(), true);
    KubeConnection c = connect("");
    assertTrue(c.describe().contains("pod intercept/intercept-proxy-a"), c.describe());
    k8s.addProxyPod(NS, "intercept-proxy-b", "127.0.0.1", live.apiPort(), live.sshPort(), true);
    int before = k8s.streams(NS, "intercept-proxy-a", crashing.apiPort());
    crashing.close(); // its pod stays listed Ready, as until its readiness probe fails
    TestWait.until(
        () -> {
          try {
            return "ok".equals(await(api(c, live).health()));
          } catch (Exception e) {
            return false;
          }
        },
        10_000,
        "the API answers through the live pod");
    assertTrue(
        k8s.streams(NS, "intercept-proxy-a", crashing.apiPort()) > before,
        "a call went to the crashed pod first, and failed");
    assertTrue(k8s.streams(NS, "intercept-proxy-b", live.apiPort()) >= 1);
    assertTrue(c.describe().contains("pod intercept/intercept-proxy-b"), c.describe());
  }

  @Test
  void aLoneCrashedReplicaIsOneLineAtConnect() throws Exception {
    int deadPort = Integer.parseInt(Http.freePorts(1));
    k8s.addProxyPod(NS, "intercept-proxy-a", "127.0.0.1", deadPort, deadPort, true);
    UserError e = assertThrows(UserError.class, () -> connect(""));
    assertEquals(
        "no proxy answered through a port-forward to pod intercept/intercept-proxy-a (context"
            + " mock, API "
            + k8s.url()
            + "): is it starting, or crashing? see docs/kubernetes.md",
        e.getMessage());
  }

  @Test
  void sshGoesToThePodOfTheReplicaTheRegistrationNames() throws Exception {
    ProxyFixture two = proxy("127.0.0.2");
    ProxyFixture three = proxy("127.0.0.3");
    k8s.addProxyPod(NS, "intercept-proxy-2", "127.0.0.2", two.apiPort(), two.sshPort(), true);
    k8s.addProxyPod(NS, "intercept-proxy-3", "127.0.0.3", three.apiPort(), three.sshPort(), true);
    KubeConnection c = connect("");
    HostPort to3 = c.ssh(registration("127.0.0.3"), c.apiUrls().get(0));
    assertEquals("127.0.0.1", to3.host());
    assertTrue(banner(to3).startsWith("SSH-2.0-"));
    assertEquals(1, k8s.streams(NS, "intercept-proxy-3", three.sshPort()));
    assertEquals(0, k8s.streams(NS, "intercept-proxy-2", two.sshPort()));
    // a reconnect registered through the other replica: the same local port, the other pod
    HostPort to2 = c.ssh(registration("127.0.0.2"), c.apiUrls().get(0));
    assertEquals(to3, to2);
    assertTrue(banner(to2).startsWith("SSH-2.0-"));
    assertEquals(1, k8s.streams(NS, "intercept-proxy-2", two.sshPort()));
    assertEquals(1, k8s.streams(NS, "intercept-proxy-3", three.sshPort()));
  }

  private static Registration registration(String replicaHost) {
    return Registration.fromJson(
        new JsonObject()
            .put("app", "myapp")
            .put("name", "test")
            .put("matchers", new JsonArray())
            .put("port", 9000)
            .put("owner", "alice")
            .put("createdAt", 0L)
            .put("expiresAt", 0L)
            .put("sshUser", "test.myapp")
            .put("sshPort", 8022)
            .put("hostKey", "k")
            .put("leaseSeconds", 10.0)
            .put("replicaHost", replicaHost));
  }

  private static String banner(HostPort at) throws Exception {
    try (Socket s = new Socket(at.host(), at.port())) {
      s.setSoTimeout(5_000);
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
    }
  }

  @Test
  void noReadyPodIsOneLine() {
    k8s.addProxyPod(NS, "intercept-proxy-a", "127.0.0.1", 1, 2, false);
    UserError e = assertThrows(UserError.class, () -> connect(""));
    assertEquals(
        "no ready pod labelled app.kubernetes.io/name=intercept-proxy in namespace intercept"
            + " (context mock): is the proxy installed? see docs/kubernetes.md",
        e.getMessage());
    assertEquals(1, e.exitCode());
  }

  @Test
  void rbacRefusingPortForwardNamesTheVerbAndResource() throws Exception {
    ProxyFixture p = proxy("127.0.0.1");
    k8s.addProxyPod(NS, "intercept-proxy-a", "127.0.0.1", p.apiPort(), p.sshPort(), true);
    k8s.refusePortForward(true);
    UserError e = assertThrows(UserError.class, () -> connect(""));
    assertEquals(
        "RBAC refuses to create pods/portforward in namespace intercept (context mock): your user"
            + " needs verb 'create' on resource 'pods/portforward' there (see docs/kubernetes.md)",
        e.getMessage());
  }

  @Test
  void rbacRefusingThePodListNamesTheVerbAndResource() {
    k8s.refusePodList(true);
    UserError e = assertThrows(UserError.class, () -> connect(""));
    assertEquals(
        "RBAC refuses to list pods in namespace intercept (context mock): your user needs verb"
            + " 'list' on resource 'pods' there (see docs/kubernetes.md)",
        e.getMessage());
  }

  @Test
  @Timeout(30)
  void anApiServerThatNeverAnswersIsOneLineAfterTheTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String url = "http://127.0.0.1:" + silent.getLocalPort();
      Path config = dir.resolve("silent");
      Files.writeString(
          config,
          Files.readString(Path.of(System.getProperty("kubeconfig"))).replace(k8s.url(), url));
      System.setProperty("kubeconfig", config.toString());
      UserError e = assertThrows(UserError.class, () -> connect(""));
      assertEquals(
          "cannot reach the Kubernetes API at "
              + url
              + " (context mock): no answer within request-timeout-seconds",
          e.getMessage());
    }
  }

  @Test
  void anUnknownContextIsASettingToFix() {
    UserError e = assertThrows(UserError.class, () -> connect("elsewhere"));
    assertEquals("the kubeconfig has no context 'elsewhere'", e.getMessage());
    assertEquals(2, e.exitCode());
  }
}

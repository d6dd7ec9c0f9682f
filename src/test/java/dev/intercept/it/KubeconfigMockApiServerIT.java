package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.MockApiServer;
import dev.intercept.TestWait;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed demo with no --proxy-url: the client process finds the proxy through a kubeconfig whose
 * context points at fabric8's mock API server (the one fake: no API server runs here), which lists
 * the proxy's pod and relays its port-forwards, as the kubelet does, to the real proxy process on
 * loopback. Registration goes through the forwarded API port, the SSH tunnel through the forwarded
 * SSH port, and curl through the real sidecar reaches the laptop. Then what a user without a proxy,
 * or without RBAC, sees: one line.
 */
class KubeconfigMockApiServerIT {
  private static final String NS = "intercept";
  private static final String POD = "intercept-proxy-5c9d7b-x2x4k";
  private final Roles started = new Roles();
  @TempDir Path dir;
  private MockApiServer k8s;
  private SeedSetup seed;
  private Map<String, String> kubeconfig;

  @BeforeEach
  void cluster() throws Exception {
    seed = SeedSetup.start(started, 4);
    k8s = MockApiServer.start();
    Path file = k8s.kubeconfig(dir.resolve("kubeconfig"), "kind-dev", seed.tokens().of("alice"));
    kubeconfig = Map.of("KUBECONFIG", file.toString());
  }

  @AfterEach
  void stopAll() {
    started.close();
    k8s.close();
  }

  RoleProcess client(String label, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--role=client"));
    all.addAll(List.of(args));
    return started.start(label, kubeconfig, all.toArray(String[]::new));
  }

  Http.Response awaitServedBy(String who, String path) {
    Http.Response[] last = new Http.Response[1];
    TestWait.until(
        () -> {
          try {
            last[0] = Http.get(seed.sidecar(), path);
            return last[0].firstLine().equals("Request served by " + who);
          } catch (IOException e) {
            return false;
          }
        },
        5_000,
        path + " served by " + who);
    return last[0];
  }

  @Test
  void theSeedTranscriptThroughKubeconfigAndPortForward() throws Exception {
    int ssh = seed.ssh();
    k8s.addProxyPod(NS, POD, "127.0.0.1", seed.api(), ssh, true);
    int laptop = seed.laptop();
    RoleProcess alice =
        client(
            "alice",
            "intercept",
            "myapp",
            "-m",
            ":path",
            ".*ark3.*",
            "--name",
            "test",
            "-p",
            Integer.toString(laptop));
    alice.awaitLine("^T: Intercept is running", 30_000);
    List<String> out = alice.stdout();
    assertEquals(8, out.size(), out.toString());
    assertEquals(
        List.of(
            "T: Setting up intercept session test",
            "T: Intercepting requests to myapp",
            "T: and redirecting them to localhost:" + laptop,
            "T: when the following headers match:",
            "T:   :path: .*ark3.*",
            "T: Connecting to the Telepresence Proxy"),
        out.subList(0, 6));
    assertTrue(
        out.get(6)
            .matches(
                "T: Connecting to the proxy through kubeconfig context kind-dev: port-forward to"
                    + " pod intercept/"
                    + POD
                    + " \\(api 127\\.0\\.0\\.1:\\d+, ssh 127\\.0\\.0\\.1:\\d+\\)"),
        out.get(6));
    assertEquals("T: Intercept is running. Press Ctrl-C/Ctrl-Break to quit.", out.get(7));
    Http.Response atLaptop = awaitServedBy("container_on_laptop", "/ark3");
    assertTrue(atLaptop.body().contains("Host: the-app\n"), atLaptop.body());
    assertEquals("Request served by the-app-pod", Http.get(seed.sidecar(), "/foo").firstLine());
    assertTrue(k8s.streams(NS, POD, ssh) >= 1, "the tunnel came through the port-forward");
    assertTrue(k8s.streams(NS, POD, seed.api()) >= 2, "the probe and the registration");

    RoleProcess list = client("list", "list");
    assertEquals(0, list.awaitExit(30_000), list.stderr().toString());
    assertEquals(1, list.stdout().size(), list.stdout().toString());
    assertTrue(
        list.stdout().get(0).matches("myapp/test port \\d+ owner alice tunnel up matchers .*"),
        list.stdout().toString());

    RoleProcess status = client("status", "status");
    assertEquals(0, status.awaitExit(30_000), status.stderr().toString());
    List<String> said = status.stdout();
    assertEquals(6, said.size(), said.toString());
    assertTrue(
        said.get(0)
            .matches(
                "connection: kubeconfig context kind-dev \\("
                    + k8s.url().replace(".", "\\.")
                    + "\\), namespace intercept: port-forward to pod intercept/"
                    + POD
                    + " \\(api 127\\.0\\.0\\.1:\\d+, ssh 127\\.0\\.0\\.1:\\d+\\)"),
        said.get(0));
    assertTrue(
        said.get(1)
            .matches(
                "proxy: answers at http://127\\.0\\.0\\.1:\\d+ \\(healthz: ok\\), intercept"
                    + " 0\\.1\\.0, replica \\S+"),
        said.get(1));
    assertEquals("you: alice", said.get(2));
    assertEquals("your intercepts: 1", said.get(3));
    assertTrue(
        said.get(4)
            .matches(
                "  myapp/test port \\d+ lease \\d+ s left hits \\d+, last .* matchers .* tunnel up at"
                    + " 127\\.0\\.0\\.1"),
        said.get(4));
    assertEquals("others' intercepts: 0 (see list)", said.get(5));

    assertEquals(List.of(), alice.stderr(), "nothing logged while it ran");
    alice.signal("INT");
    assertEquals(0, alice.awaitExit(15_000), alice.stderr().toString());
    assertEquals(
        List.of("T: Keyboard interrupt (Ctrl-C/Ctrl-Break) pressed", "T: Exit cleanup in progress"),
        SeedSetup.sessionLines(alice.stdout().subList(8, alice.stdout().size()), "/ark3"));
    awaitServedBy("the-app-pod", "/ark3");
    assertEquals(List.of(), status.stderr(), "nothing logged");
  }

  /** Exactly one line on stderr, the expected exit code; returns the line. */
  String failsWith(int code, String... args) throws Exception {
    RoleProcess p = client("failing", args);
    assertEquals(code, p.awaitExit(30_000), "exit code; stderr: " + p.stderr());
    assertEquals(1, p.stderr().size(), "exactly one line: " + p.stderr());
    return p.stderr().get(0);
  }

  @Test
  void withoutAReadyProxyPodOrRbacTheUserReadsOneLine() throws Exception {
    String[] intercept = {"intercept", "myapp", "-m", ":path", ".*", "--name", "t", "-p", "8080"};
    k8s.addProxyPod(NS, POD, "127.0.0.1", seed.api(), seed.ssh(), false);
    String noPod =
        "intercept: no ready pod labelled app.kubernetes.io/name=intercept-proxy in namespace"
            + " intercept (context kind-dev): is the proxy installed? see docs/kubernetes.md";
    assertEquals(noPod, failsWith(1, intercept));
    assertEquals(noPod, failsWith(1, "status"));
    assertEquals(
        noPod.replace("namespace intercept", "namespace elsewhere"),
        failsWith(1, "list", "--namespace", "elsewhere"));

    k8s.addProxyPod(NS, POD + "-ready", "127.0.0.1", seed.api(), seed.ssh(), true);
    k8s.refusePortForward(true);
    assertEquals(
        "intercept: RBAC refuses to create pods/portforward in namespace intercept (context"
            + " kind-dev): your user needs verb 'create' on resource 'pods/portforward' there (see"
            + " docs/kubernetes.md)",
        failsWith(1, intercept));
    assertEquals(
        "intercept: the kubeconfig has no context 'prod'",
        failsWith(2, "status", "--context", "prod"));
    RoleProcess none = started.start("no-kubeconfig", Map.of(), "--role=client", "list");
    assertEquals(2, none.awaitExit(30_000));
    assertEquals(
        List.of(
            "intercept: no --proxy-url given and no kubeconfig found (KUBECONFIG, ~/.kube/config):"
                + " point KUBECONFIG at your cluster, or give --proxy-url"),
        none.stderr());
  }

  @Test
  void statusWithAProxyUrlSaysSoAndFailsWhenNothingAnswers() throws Exception {
    RoleProcess ok = client("status", "status", "--proxy-url", "http://127.0.0.1:" + seed.api());
    assertEquals(0, ok.awaitExit(30_000), ok.stderr().toString());
    List<String> said = ok.stdout();
    assertEquals(5, said.size(), said.toString());
    assertEquals(
        "connection: proxy URL http://127.0.0.1:" + seed.api() + " (--proxy-url)", said.get(0));
    assertTrue(
        said.get(1)
            .startsWith(
                "proxy: answers at http://127.0.0.1:"
                    + seed.api()
                    + " (healthz: ok), intercept 0.1.0, replica "),
        said.get(1));
    assertEquals(
        List.of("you: alice", "your intercepts: none", "others' intercepts: 0 (see list)"),
        said.subList(2, 5));
    String dead = "http://127.0.0.1:" + Http.freePorts(1);
    String line = failsWith(1, "status", "--proxy-url", dead);
    assertTrue(line.startsWith("intercept: cannot reach the proxy at " + dead), line);
  }
}

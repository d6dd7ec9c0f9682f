package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.TestWait;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seed transcript with the proxy and the app in pods: containers of the image built on a local
 * base (no registry here), played from k8s/-shaped manifests by {@code podman kube play} ({@link
 * PodsLocalBase}); the developer's client and laptop server on the host, as on a laptop. Skips,
 * saying why, only where podman cannot be installed or run.
 */
class PodsLocalBaseIT {
  private PodsLocalBase pods;
  private final Roles laptop = new Roles();

  @AfterEach
  void removePods() {
    laptop.close();
    if (pods != null) {
      pods.close();
    }
  }

  @Test
  void seedTranscriptWithTheProxyAndTheAppInPods() throws Exception {
    pods = PodsLocalBase.create(LocalBaseImage.get());
    pods.startProxy();
    pods.startApp();

    // a pod's containers share one network namespace (the kernel's view), the proxy's is another
    String app = netns(pods.appPod() + "-app");
    assertEquals(app, netns(pods.appPod() + "-intercept-sidecar"), "app and sidecar share one");
    assertNotEquals(app, netns(pods.proxyContainer()));
    for (String c : List.of(pods.proxyContainer(), pods.appPod() + "-app")) {
      assertEquals(
          "true 10001:10001",
          Podman.run("inspect", "--format", "{{.HostConfig.ReadonlyRootfs}} {{.Config.User}}", c),
          c + ": read-only root, the image's user");
    }

    int sidecar = pods.app();
    assertEquals("Request served by the-app-pod", Http.get(sidecar, "/foo/bar").firstLine());
    assertEquals("Request served by the-app-pod", Http.get(sidecar, "/ark3").firstLine());

    RoleProcess server = laptop.echo("laptop", "container_on_laptop");
    int laptopPort = server.port("http");
    // as the README: java -jar target/intercept.jar --role=client intercept myapp -m :path ...
    RoleProcess client =
        laptop.start(
            "client",
            Map.of(),
            "--role=client",
            "intercept",
            "myapp",
            "-m",
            ":path",
            ".*ark3.*",
            "--name",
            "test",
            "-p",
            Integer.toString(laptopPort),
            "--proxy-url",
            "http://127.0.0.1:" + pods.api(),
            "--token",
            pods.tokens().of("alice"));
    client.awaitLine("^T: Intercept is running", 60_000);
    assertEquals(
        List.of(
            "T: Setting up intercept session test",
            "T: Intercepting requests to myapp",
            "T: and redirecting them to localhost:" + laptopPort,
            "T: when the following headers match:",
            "T:   :path: .*ark3.*",
            "T: Connecting to the Telepresence Proxy",
            "T: Intercept is running. Press Ctrl-C/Ctrl-Break to quit."),
        client.stdout());
    // the sidecar in its pod reached the laptop through the proxy pod's forward port, which the
    // proxy advertised by its pod's name on the network
    Http.Response atLaptop = awaitServedBy(sidecar, "container_on_laptop", "/ark3");
    assertTrue(atLaptop.body().contains("Host: the-app\n"), atLaptop.body());
    assertEquals("Request served by the-app-pod", Http.get(sidecar, "/foo/bar").firstLine());
    pods.sidecarLogs()
        .awaitLogLine(
            "route table for myapp is now version \\d+: \\[test .* -> "
                + pods.proxyPod()
                + ":90\\d\\d\\]",
            10_000);

    client.signal("INT");
    assertEquals(0, client.awaitExit(15_000));
    assertEquals(
        List.of("T: Keyboard interrupt (Ctrl-C/Ctrl-Break) pressed", "T: Exit cleanup in progress"),
        SeedSetup.sessionLines(client.stdout().subList(7, client.stdout().size()), "/ark3"));
    awaitServedBy(sidecar, "the-app-pod", "/ark3");
  }

  static Http.Response awaitServedBy(int port, String who, String path) {
    Http.Response[] last = new Http.Response[1];
    TestWait.until(
        () -> {
          try {
            last[0] = Http.get(port, path);
            return last[0].firstLine().equals("Request served by " + who);
          } catch (IOException e) {
            return false;
          }
        },
        10_000,
        path + " served by " + who);
    return last[0];
  }

  static void awaitStatus(int port, String path, int status) {
    TestWait.until(
        () -> {
          try {
            return Http.get(port, path).status() == status;
          } catch (IOException e) {
            return false;
          }
        },
        30_000,
        path + " answering " + status + " on 127.0.0.1:" + port);
  }

  /** The network namespace of a container's process, as the kernel names it. */
  static String netns(String container) throws IOException {
    String pid = Podman.run("inspect", "--format", "{{.State.Pid}}", container);
    return Files.readSymbolicLink(Path.of("/proc", pid, "ns", "net")).toString();
  }
}

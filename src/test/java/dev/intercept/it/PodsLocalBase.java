package dev.intercept.it;

import dev.intercept.TestTokens;
import dev.intercept.TestWait;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed's cluster side in pods of the image (built on a local base): {@code podman kube play} of
 * the k8s/-shaped manifests in src/test/resources/pods/ — the proxy's pod, and the app's pod whose
 * two containers, the app (echo "the-app-pod", on the pod's loopback only) and the sidecar, share
 * one network namespace as in Kubernetes. Both pods join a podman network of this run, whose DNS
 * answers pod names: the sidecar reaches the proxy, and the forward ports the proxy advertises, by
 * the proxy pod's name. The proxy's API and SSH ports and the sidecar's port are published on
 * 127.0.0.1 for the client and curl on the host. {@link #close} removes the pods, their volumes,
 * the network and the run's files, whatever happened.
 */
public final class PodsLocalBase implements AutoCloseable {
  private final String image;
  private final String run = Container.runId();
  private final String network = "intercept-it-" + run;
  private final TestTokens tokens;
  private final Path dir;
  private final Map<String, String> vars = new LinkedHashMap<>();
  private final int api;
  private final int ssh;
  private final int app;
  private Container sidecarLogs;

  private PodsLocalBase(String image) throws IOException {
    this.image = image;
    tokens = TestTokens.create();
    dir = Files.createTempDirectory("intercept-pods");
    String[] ports = Http.freePorts(3).split(",");
    api = Integer.parseInt(ports[0]);
    ssh = Integer.parseInt(ports[1]);
    app = Integer.parseInt(ports[2]);
    Path proxySecrets =
        Container.volumeDir(
            dir.resolve("proxy-secrets"),
            Map.of("tokens.csv", Files.readString(tokens.file(), StandardCharsets.UTF_8)));
    Path sidecarSecrets =
        Container.volumeDir(dir.resolve("sidecar-secrets"), Map.of("token", tokens.of("sidecar")));
    vars.putAll(
        Map.of(
            "RUN", run,
            "IMAGE", image,
            "API_PORT", Integer.toString(api),
            "SSH_PORT", Integer.toString(ssh),
            "APP_PORT", Integer.toString(app),
            "PROXY_SECRETS", proxySecrets.toString(),
            "SIDECAR_SECRETS", sidecarSecrets.toString()));
  }

  /** A run's network and files; nothing started yet. */
  public static PodsLocalBase create(String image) throws IOException {
    PodsLocalBase pods = new PodsLocalBase(image);
    Podman.run("network", "create", pods.network);
    return pods;
  }

  /** Plays the proxy's Deployment; returns the ms from {@code kube play} to /readyz 200. */
  public long startProxy() throws IOException {
    long t0 = System.nanoTime();
    play("proxy.yaml");
    TestWait.until(
        () -> {
          try {
            return Http.get(api, "/readyz").status() == 200;
          } catch (IOException e) {
            return false;
          }
        },
        60_000,
        "the proxy pod's /readyz on 127.0.0.1:" + api + "; " + logs(proxyContainer()));
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /**
   * Plays the app's Deployment; returns the ms from {@code kube play} to the sidecar's "connected
   * to the proxy".
   */
  public long startApp() throws Exception {
    long t0 = System.nanoTime();
    play("the-app.yaml");
    sidecarLogs = Container.follow(appPod() + "-intercept-sidecar");
    sidecarLogs.awaitLine("connected to the proxy", 60_000);
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private void play(String manifest) throws IOException {
    String yaml;
    try (InputStream in = PodsLocalBase.class.getResourceAsStream("/pods/" + manifest)) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (var v : vars.entrySet()) {
      yaml = yaml.replace("${" + v.getKey() + "}", v.getValue());
    }
    Path file = dir.resolve(manifest);
    Files.writeString(file, yaml);
    Podman.run("kube", "play", "--network", network, file.toString());
  }

  static String logs(String container) {
    Podman.Result r = Podman.tryRun("logs", container);
    return container + " logs: " + r.out() + r.err();
  }

  public String image() {
    return image;
  }

  public String proxyPod() {
    return "intercept-proxy-" + run + "-pod-0";
  }

  public String appPod() {
    return "the-app-" + run + "-pod-0";
  }

  public String proxyContainer() {
    return proxyPod() + "-proxy";
  }

  /** The proxy API's port on 127.0.0.1. */
  public int api() {
    return api;
  }

  /** The sidecar's port on 127.0.0.1 (the Service "the-app"). */
  public int app() {
    return app;
  }

  public TestTokens tokens() {
    return tokens;
  }

  public Container sidecarLogs() {
    return sidecarLogs;
  }

  @Override
  public void close() {
    if (sidecarLogs != null) {
      sidecarLogs.close();
    }
    Podman.tryRun("pod", "rm", "--force", "--ignore", "--time", "0", proxyPod(), appPod());
    // kube play makes each emptyDir a named volume; pod rm takes them, this is in case it did not
    for (String v : List.of("tmp-", "app-tmp-", "sidecar-tmp-")) {
      Podman.tryRun("volume", "rm", "--force", v + run);
    }
    Podman.tryRun("network", "rm", "--force", network);
    Container.deleteTree(dir);
  }
}

package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.TestTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one image (the project's Dockerfile), built on a JRE base made here from Debian's packages
 * (no registry is reachable, so not the pinned Temurin base): it runs as uid/gid 10001, and every
 * role starts and answers with a read-only root filesystem and only /tmp writable (podman run
 * --read-only --tmpfs /tmp), writing nowhere else but the volumes it is given. Skips, saying why,
 * only where podman cannot be installed or run.
 */
class ImageLocalBaseIT {
  private final String run = Container.runId();
  private final List<AutoCloseable> started = new ArrayList<>();
  @TempDir Path tmp;

  @AfterEach
  void removeContainers() throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  Container start(String role, List<String> options, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--read-only", "--tmpfs", "/tmp"));
    all.addAll(options);
    Container c =
        Container.run("intercept-it-" + role + "-" + run, all, LocalBaseImage.get(), args);
    started.add(c);
    return c;
  }

  @Test
  void nonRootImageWhoseEntrypointIsTheLauncherWithItsAppCdsArchive() throws Exception {
    String image = LocalBaseImage.get();
    assertEquals("10001:10001", Podman.run("image", "inspect", "--format", "{{.User}}", image));
    assertEquals(
        "[/opt/intercept/bin/intercept]",
        Podman.run("image", "inspect", "--format", "{{.Config.Entrypoint}}", image));
    assertTrue(
        Podman.run("image", "inspect", "--format", "{{.Config.Env}}", image).contains("HOME=/tmp"));
    // -Xshare:on fails rather than run without the archive: it matches the image's JRE and jar
    Container version =
        start("version", List.of("--env", "JAVA_TOOL_OPTIONS=-Xshare:on"), "--version");
    assertEquals(0, version.awaitExit(30_000), version.stderr().toString());
    assertEquals(List.of("intercept 0.1.0"), version.stdout());
  }

  @Test
  void echoAnswersAsUid10001() throws Exception {
    Container echo =
        start(
            "echo",
            List.of("--publish", "127.0.0.1::8080"),
            "--role=echo",
            "--listen-host",
            "0.0.0.0",
            "--hostname",
            "image-echo");
    echo.awaitLine("listening", 30_000);
    Http.Response r = Http.get(echo.hostPort(8080), "/hello");
    assertEquals("Request served by image-echo", r.firstLine());
    assertEquals(
        List.of("Uid: 10001 10001 10001 10001", "Gid: 10001 10001 10001 10001"), echo.processIds());
  }

  @Test
  void proxySidecarsAndClientRunReadOnlyOnAPodmanNetwork() throws Exception {
    LocalBaseImage.get();
    String network = "intercept-it-" + run;
    Podman.run("network", "create", network);
    started.add(() -> Podman.tryRun("network", "rm", "--force", network));
    String proxyName = "intercept-it-proxy-" + run;
    TestTokens tokens = TestTokens.create();
    Path secrets =
        Container.volumeDir(
            tmp.resolve("secrets"), Map.of("tokens.csv", Files.readString(tokens.file())));
    Path state = Container.volumeDir(tmp.resolve("state"), Map.of());
    Container proxy =
        start(
            "proxy",
            List.of(
                "--network",
                network,
                "--publish",
                "127.0.0.1::8081",
                "--volume",
                secrets + ":/var/run/secrets/intercept:ro",
                "--volume",
                state + ":/var/lib/intercept"),
            "--role=proxy",
            "--listen-host=0.0.0.0",
            "--forward-bind-host=0.0.0.0",
            "--advertise-host=" + proxyName,
            "--auth=token-file",
            "--token-file=/var/run/secrets/intercept/tokens.csv",
            "--host-key-file=/var/lib/intercept/host-key");
    proxy.awaitLine("listening", 30_000);
    int api = proxy.hostPort(8081);
    assertEquals(200, Http.get(api, "/healthz").status());
    PodsLocalBaseIT.awaitStatus(api, "/readyz", 200);
    // the host key went to the mounted volume, private to the image's user
    Path key = state.resolve("host-key");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    String hostKey = proxy.awaitLogLine("SSH host key (.*)", 10_000).group(1);

    String proxyUrl = "--proxy-url=http://" + proxyName + ":8081";
    List<String> sidecarEnv = Container.sidecarOptions(network, tokens.of("sidecar"));
    Container sidecar = start("sidecar", sidecarEnv, "--role=sidecar", proxyUrl);
    sidecar.awaitLine("connected to the proxy", 30_000);
    // the entrypoint (bin/intercept) gave the sidecar its lean JVM (docs/sidecar-memory.md)
    String cmdline = sidecar.proc("cmdline");
    assertTrue(cmdline.contains(" -XX:+UseSerialGC -Xms8m -Xmx24m -Xmn2m "), cmdline);
    assertTrue(cmdline.contains(" -XX:-TieredCompilation -XX:CICompilerCount=1 "), cmdline);
    assertTrue(sidecar.proc("environ").contains(" MALLOC_ARENA_MAX=1 "));

    // Envoy mode writes its files to the volume shared with Envoy...
    Path envoyDir = Container.volumeDir(tmp.resolve("envoy"), Map.of());
    List<String> withVolume = new ArrayList<>(sidecarEnv);
    withVolume.addAll(List.of("--volume", envoyDir + ":/etc/intercept/envoy"));
    Container envoy = start("envoy", withVolume, "--role=sidecar", "--data-plane=envoy", proxyUrl);
    envoy.awaitLine("connected to the proxy", 30_000);
    for (String f : List.of("bootstrap.yaml", "lds.yaml", "cds.yaml")) {
      assertTrue(Files.isRegularFile(envoyDir.resolve(f)), f + " in the Envoy volume");
    }
    // ...and without one says so in one line, on a read-only root
    Container noVolume =
        start("novolume", sidecarEnv, "--role=sidecar", "--data-plane=envoy", proxyUrl);
    assertNotEquals(0, noVolume.awaitExit(30_000));
    assertEquals(
        List.of(
            "intercept sidecar: cannot write Envoy's config in /etc/intercept/envoy"
                + " (--envoy-config-dir: mount a volume shared with Envoy there):"
                + " /etc/intercept: Read-only file system"),
        noVolume.stderr().stream().filter(l -> l.startsWith("intercept")).toList());

    // a client in a container pins the proxy's host key under HOME=/tmp
    Container client =
        start(
            "client",
            List.of("--network", network),
            "--role=client",
            "intercept",
            "myapp",
            "-m",
            ":path",
            ".*ark3.*",
            "--name",
            "image",
            "-p",
            "8090",
            proxyUrl,
            "--token=" + tokens.of("alice"));
    client.awaitLine("^T: Intercept is running", 60_000);
    String pinned = Podman.run("exec", client.name(), "cat", "/tmp/.config/intercept/known_hosts");
    assertTrue(
        pinned.contains("http://" + proxyName + ":8081 " + hostKey), pinned + " pins " + hostKey);
    client.signal("INT");
    assertEquals(0, client.awaitExit(15_000), client.stderr().toString());
    assertEquals("T: Exit cleanup in progress", client.stdout().get(client.stdout().size() - 1));
  }
}

package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What inject prints is a pod podman takes: {@code podman kube play --start=false} creates the seed
 * app's pod from it (with {@code --token-secret}: podman has no projected tokens) and each
 * container gets what the manifest says. The containers are created from podman's own pause image
 * (the project's image is built on another branch), so nothing runs and no port is bound: running
 * the pods is the image's pods test. Skipped, saying so, where podman is not installed.
 */
class InjectedPodUnderPodmanIT {

  record Run(int code, String out, String err) {}

  static Run podman(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("podman"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    CompletableFuture<String> out = drain(p, true);
    CompletableFuture<String> err = drain(p, false);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd));
    return new Run(p.exitValue(), out.get(), err.get());
  }

  private static CompletableFuture<String> drain(Process p, boolean out) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(
                (out ? p.getInputStream() : p.getErrorStream()).readAllBytes(),
                StandardCharsets.UTF_8);
          } catch (Exception e) {
            return "";
          }
        });
  }

  /** podman's pause image: local wherever podman makes pods (it builds it itself). */
  private static String pauseImage() throws Exception {
    String found = podman("images", "--format", "{{.Repository}}:{{.Tag}}").out();
    if (!found.contains("podman-pause")) {
      String pod = "intercept-pause-" + UUID.randomUUID().toString().substring(0, 8);
      podman("pod", "create", "--name", pod);
      podman("pod", "rm", "-f", pod);
      found = podman("images", "--format", "{{.Repository}}:{{.Tag}}").out();
    }
    return found.lines().filter(l -> l.contains("podman-pause")).findFirst().orElseThrow();
  }

  @Test
  void theInjectedSeedAppIsAPodPodmanCreatesFromTheLocalPauseImage(@TempDir Path dir)
      throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/podman")), "podman is not installed here");
    String name = "mf-" + UUID.randomUUID().toString().substring(0, 8);
    ManifestCommandsIT.Run injected =
        ManifestCommandsIT.run(
            Files.readAllBytes(Path.of("example/the-app.plain.yaml")),
            "inject",
            "--app-name",
            "myapp",
            "--token-secret",
            name + "-token",
            "-");
    assertEquals(0, injected.code(), injected.err().toString());
    String image = pauseImage();
    String manifest =
        injected.out().replace("the-app", name).replace("image: intercept:0.1.0", "image: " + image)
            + "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: "
            + name
            + "-token\nstringData:\n  token: a-test-token\n";
    Path file = dir.resolve("pod.yaml");
    Files.writeString(file, manifest);
    try {
      Run play = podman("kube", "play", "--start=false", file.toString());
      assertEquals(0, play.code(), play.err());
      JsonObject sidecar = inspect(name + "-pod-0-sidecar");
      JsonObject config = sidecar.getJsonObject("Config");
      assertEquals("10001:10001", config.getString("User"));
      assertTrue(sidecar.getJsonObject("HostConfig").getBoolean("ReadonlyRootfs"));
      List<String> env = config.getJsonArray("Env").stream().map(String::valueOf).toList();
      assertTrue(env.contains("APPNAME=myapp"), env.toString());
      assertTrue(env.contains("APPPORT=8080"), env.toString());
      assertTrue(
          env.contains("INTERCEPT_PROXY_URL=http://intercept-proxy.intercept.svc:8081"),
          env.toString());
      JsonArray cmd = config.getJsonArray("Cmd");
      assertTrue(cmd.contains("--token-file=/var/run/secrets/intercept/token"), cmd.encode());
      List<String> mounts =
          sidecar.getJsonArray("Mounts").stream()
              .map(m -> ((JsonObject) m).getString("Destination"))
              .toList();
      assertTrue(
          mounts.containsAll(List.of("/var/run/secrets/intercept", "/tmp")), mounts.toString());
      JsonObject host = sidecar.getJsonObject("HostConfig");
      // capabilities drop ALL: podman drops its every default one and adds none
      List<String> dropped = host.getJsonArray("CapDrop").stream().map(String::valueOf).toList();
      assertTrue(
          dropped.containsAll(List.of("CAP_CHOWN", "CAP_NET_RAW", "CAP_SETUID")),
          dropped.toString());
      assertEquals(0, host.getJsonArray("CapAdd").size());
      // allowPrivilegeEscalation: false
      assertTrue(host.getJsonArray("SecurityOpt").contains("no-new-privileges"), host.encode());
      assertEquals(inspect(name + "-pod-0-app").getString("Pod"), sidecar.getString("Pod"));
    } finally {
      podman("kube", "down", file.toString());
      podman("secret", "rm", name + "-token");
    }
  }

  private static JsonObject inspect(String container) throws Exception {
    Run r = podman("container", "inspect", container);
    assertEquals(0, r.code(), r.err());
    return new JsonArray(r.out()).getJsonObject(0);
  }
}

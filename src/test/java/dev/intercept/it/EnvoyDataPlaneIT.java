package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.TestWait;
import dev.intercept.envoy.EnvoyProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar in Envoy mode, as processes: its config files follow the intercepts. With a real
 * envoy on PATH the seed transcript runs through it; Envoy cannot be installed on these machines,
 * so there that test is skipped and says so.
 */
class EnvoyDataPlaneIT {
  private final Roles started = new Roles();
  @TempDir Path dir;

  @AfterEach
  void stopAll() {
    started.close();
  }

  record Setup(int api, int listen, int laptop) {}

  Setup roles(String envoyBinary) throws Exception {
    return roles(envoyBinary, "http");
  }

  Setup roles(String envoyBinary, String appProtocol) throws Exception {
    RoleProcess proxy =
        started.start(
            "proxy",
            Map.of(),
            "--role=proxy",
            "--listen-host",
            "127.0.0.1",
            "--api-port",
            "0",
            "--ssh-port",
            "0",
            "--forward-ports",
            Http.freePorts(2),
            "--forward-bind-host",
            "127.0.0.1");
    RoleProcess pod = started.echo("pod", "the-app-pod");
    RoleProcess laptop = started.echo("laptop", "container_on_laptop");
    int api = proxy.port("api");
    int listen = Integer.parseInt(Http.freePorts(1));
    List<String> args =
        new ArrayList<>(
            List.of(
                "--role=sidecar",
                "--data-plane",
                "envoy",
                "--envoy-config-dir",
                dir.toString(),
                "--listen-host",
                "127.0.0.1",
                "--listen-port",
                Integer.toString(listen),
                "--envoy-admin-port",
                Http.freePorts(1),
                "--stats-seconds",
                "1",
                "--proxy-url",
                "http://127.0.0.1:" + api));
    if (envoyBinary != null) {
      args.addAll(List.of("--envoy-binary", envoyBinary));
    }
    RoleProcess sc =
        started.start(
            "sidecar",
            Map.of(
                "APPNAME",
                "myapp",
                "APPPORT",
                Integer.toString(pod.port("http")),
                "APPPROTOCOL",
                appProtocol),
            args.toArray(String[]::new));
    sc.awaitLine("listening http=127.0.0.1:" + listen + " data-plane=envoy", 30_000);
    sc.awaitLine("connected to the proxy", 30_000);
    return new Setup(api, listen, laptop.port("http"));
  }

  RoleProcess client(Setup s) throws Exception {
    RoleProcess c =
        started.start(
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
            Integer.toString(s.laptop()),
            "--proxy-url",
            "http://127.0.0.1:" + s.api());
    c.awaitLine("^T: Intercept is running", 30_000);
    return c;
  }

  boolean ldsContains(String text) {
    try {
      return Files.readString(dir.resolve("lds.yaml")).contains(text);
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void withoutAnEnvoyBinaryTheConfigFilesFollowTheIntercepts() throws Exception {
    Setup s = roles(null, "grpc");
    TestWait.until(() -> Files.isRegularFile(dir.resolve("lds.yaml")), 10_000, "lds.yaml");
    assertTrue(ldsContains("grpc_timeout_header_max"), "APPPROTOCOL reaches the routes");
    assertTrue(Files.readString(dir.resolve("bootstrap.yaml")).contains("watched_directory"));
    assertTrue(!ldsContains("intercept-test"));
    RoleProcess c = client(s);
    TestWait.until(() -> ldsContains("intercept-test"), 5_000, "the intercept's route in lds.yaml");
    String cds = Files.readString(dir.resolve("cds.yaml"));
    assertTrue(cds.contains("tunnel-127.0.0.1-"), cds);
    assertEquals(
        2, cds.split("http2_protocol_options", -1).length - 1, "HTTP/2 to app and tunnel: " + cds);
    c.signal("INT");
    assertEquals(0, c.awaitExit(15_000));
    TestWait.until(() -> !ldsContains("intercept-test"), 5_000, "the route to leave lds.yaml");
    TestWait.until(
        () -> {
          try {
            return !Files.readString(dir.resolve("cds.yaml")).contains("tunnel-");
          } catch (Exception e) {
            return false;
          }
        },
        5_000,
        "the tunnel cluster to leave cds.yaml");
  }

  @Test
  void seedTranscriptThroughARealEnvoy() throws Exception {
    String envoy = EnvoyProcess.find("") == null ? null : EnvoyProcess.find("").toString();
    Assumptions.assumeTrue(
        envoy != null, "no envoy binary on PATH (it cannot be installed on these machines)");
    Setup s = roles(envoy);
    TestWait.until(
        () -> served(s, "/foo/bar").equals("Request served by the-app-pod"),
        30_000,
        "Envoy serving");
    assertEquals("Request served by the-app-pod", served(s, "/ark3"));
    RoleProcess c = client(s);
    TestWait.until(
        () -> served(s, "/ark3").equals("Request served by container_on_laptop"),
        10_000,
        "Envoy to route /ark3 to the laptop");
    assertEquals("Request served by the-app-pod", served(s, "/foo/bar"));
    // Envoy's per-route counters, read from its admin, are test's hits at the proxy
    TestWait.until(() -> listedRequests(s) >= 1, 10_000, "test's hits from Envoy's stats");
    c.signal("INT");
    assertEquals(0, c.awaitExit(15_000));
    TestWait.until(
        () -> served(s, "/ark3").equals("Request served by the-app-pod"), 10_000, "the pod again");
  }

  /** The requests the proxy lists for myapp/test (0 while unknown). */
  static long listedRequests(Setup s) {
    try {
      JsonArray all = new JsonArray(Http.get(s.api(), "/api/v1/intercepts").body());
      JsonObject hits = all.isEmpty() ? null : all.getJsonObject(0).getJsonObject("hits");
      return hits == null ? 0 : hits.getLong("requests");
    } catch (Exception e) {
      return 0;
    }
  }

  static String served(Setup s, String path) {
    try {
      return Http.get(s.listen(), path).firstLine();
    } catch (Exception e) {
      return e.toString();
    }
  }
}

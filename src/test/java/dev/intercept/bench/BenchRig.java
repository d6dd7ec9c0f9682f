package dev.intercept.bench;

import dev.intercept.it.Http;
import dev.intercept.it.RoleProcess;
import dev.intercept.it.Roles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the data-plane benches share, on loopback: the nginx upstream (app and laptop bodies), our
 * proxy started by bin/intercept, and the client's intercept on {@code :path .*ark3.*} of myapp
 * (started by {@link #intercept()} once the sidecars poll: the proxy takes an intercept only for an
 * app whose sidecar polls it).
 */
final class BenchRig {
  static final Path LAUNCHER = Path.of("bin/intercept").toAbsolutePath();

  private final Roles roles;
  private final Path dir;
  private final OtherProxies.Server upstream;
  private final int api;

  private BenchRig(Roles roles, Path dir, OtherProxies.Server upstream, int api) {
    this.roles = roles;
    this.dir = dir;
    this.upstream = upstream;
    this.api = api;
  }

  static BenchRig start(Roles roles, Path dir) throws Exception {
    OtherProxies.Server up =
        OtherProxies.upstream(Files.createDirectories(dir.resolve("upstream")));
    roles.add(up.process());
    DataPlaneBench.expect(up.first(), DataPlaneBench.FOO, OtherProxies.APP_BODY);
    RoleProcess proxy =
        launcher(
            roles,
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
    return new BenchRig(roles, dir, up, proxy.port("api"));
  }

  /** bin/intercept with these arguments, as a user starts it. */
  static RoleProcess launcher(Roles roles, String label, Map<String, String> env, String... args)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
    cmd.addAll(List.of(args));
    return roles.add(RoleProcess.command(label, env, cmd));
  }

  /** A sidecar's arguments: on loopback, any free port, polling this rig's proxy. */
  static String[] sidecarArgs(int api) {
    return new String[] {
      "--role=sidecar",
      "--listen-host",
      "127.0.0.1",
      "--listen-port",
      "0",
      "--proxy-url",
      "http://127.0.0.1:" + api
    };
  }

  int appPort() {
    return upstream.first();
  }

  int laptopPort() {
    return upstream.second();
  }

  int api() {
    return api;
  }

  /** Starts the client's intercept; returns the proxy's forward port once its tunnel is up. */
  int intercept() throws Exception {
    Map<String, String> env =
        Map.of(
            "XDG_CONFIG_HOME", dir.resolve("config").toString(),
            "KUBECONFIG", dir.resolve("no-kubeconfig").toString());
    RoleProcess client =
        launcher(
            roles,
            "client",
            env,
            "intercept",
            "myapp",
            "-m",
            ":path",
            ".*ark3.*",
            "--name",
            "bench",
            "-p",
            Integer.toString(laptopPort()),
            "--proxy-url",
            "http://127.0.0.1:" + api);
    client.awaitLine("^T: Intercept is running", 60_000);
    int tunnel = DataPlaneBench.forwardPort(api);
    DataPlaneBench.expect(tunnel, DataPlaneBench.ARK3, OtherProxies.LAPTOP_BODY);
    return tunnel;
  }

  /** Waits until a sidecar of myapp sends /ark3 to the laptop (its route arrives by long-poll). */
  static void awaitRouted(int port) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        DataPlaneBench.expect(port, DataPlaneBench.ARK3, OtherProxies.LAPTOP_BODY);
        return;
      } catch (IllegalStateException e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
        Thread.sleep(100); // polling for a condition, with a deadline
      }
    }
  }
}

package dev.intercept.bench;

import dev.intercept.it.Http;
import dev.intercept.it.RoleProcess;
import dev.intercept.it.Roles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes of {@link DataPlaneBench}, on loopback: the nginx upstream, our proxy and a client
 * holding an intercept on {@code :path .*ark3.*} of myapp (both by bin/intercept, as a user starts
 * them), HAProxy, nginx, and per way of starting the sidecar two sidecars: one for myapp (the
 * intercept active) and one for an app no one intercepts. {@code -Dbench.sidecars=plain,launcher}
 * chooses the sidecars' ways: plain {@code java -jar}, or {@code bin/intercept}.
 */
final class BenchCast {
  private final Roles roles;
  private final Path dir;
  private final List<DataPlaneBench.Target> targets = new ArrayList<>();
  private final Map<String, Long> sidecarPids = new LinkedHashMap<>();
  private final Map<String, String> clientEnv;

  private BenchCast(Roles roles, Path dir) {
    this.roles = roles;
    this.dir = dir;
    this.clientEnv =
        Map.of(
            "XDG_CONFIG_HOME", dir.resolve("config").toString(),
            "KUBECONFIG", dir.resolve("no-kubeconfig").toString());
  }

  static BenchCast start(Roles roles, Path dir) throws Exception {
    BenchCast c = new BenchCast(roles, dir);
    c.startAll();
    return c;
  }

  List<DataPlaneBench.Target> targets() {
    return targets;
  }

  Map<String, Long> sidecarPids() {
    return sidecarPids;
  }

  private Path sub(String name) throws Exception {
    return Files.createDirectories(dir.resolve(name));
  }

  private RoleProcess launcher(String label, Map<String, String> env, String... args)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of(Path.of("bin/intercept").toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    return roles.add(RoleProcess.command(label, env, cmd));
  }

  private void startAll() throws Exception {
    OtherProxies.Server up = OtherProxies.upstream(sub("upstream"));
    roles.add(up.process());
    DataPlaneBench.expect(up.first(), DataPlaneBench.FOO, OtherProxies.APP_BODY);
    RoleProcess proxy =
        launcher(
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
    int api = proxy.port("api");
    // sidecars first: the proxy takes an intercept only for an app whose sidecar polls it
    List<DataPlaneBench.Target> sidecars = new ArrayList<>();
    for (String way : System.getProperty("bench.sidecars", "plain,launcher").split(",")) {
      RoleProcess routed = sidecar(way, "myapp", up.first(), api);
      RoleProcess plain = sidecar(way, "other", up.first(), api);
      String name = way.equals("plain") ? "sidecar, java -jar" : "sidecar, bin/intercept";
      sidecarPids.put(name + " (myapp, intercepted)", routed.pid());
      sidecarPids.put(name + " (other app)", plain.pid());
      int routedPort = routed.port("http");
      sidecars.add(
          new DataPlaneBench.Target(
              name,
              plain.port("http"),
              routedPort,
              routedPort,
              List.of(routed.pid(), plain.pid())));
    }
    RoleProcess client =
        launcher(
            "client",
            clientEnv,
            "intercept",
            "myapp",
            "-m",
            ":path",
            ".*ark3.*",
            "--name",
            "bench",
            "-p",
            Integer.toString(up.second()),
            "--proxy-url",
            "http://127.0.0.1:" + api);
    client.awaitLine("^T: Intercept is running", 60_000);
    int tunnel = DataPlaneBench.forwardPort(api);
    DataPlaneBench.expect(tunnel, DataPlaneBench.ARK3, OtherProxies.LAPTOP_BODY);
    targets.add(new DataPlaneBench.Target("direct", up.first(), up.first(), tunnel, List.of()));

    OtherProxies.Server h = OtherProxies.haproxy(sub("haproxy"), up.first(), tunnel);
    roles.add(h.process());
    await(h.first());
    targets.add(
        new DataPlaneBench.Target(
            "HAProxy", h.second(), h.first(), h.first(), List.of(h.process().pid())));
    OtherProxies.Server n = OtherProxies.nginxProxy(sub("nginx"), up.first(), tunnel);
    roles.add(n.process());
    await(n.first());
    targets.add(
        new DataPlaneBench.Target(
            "nginx", n.second(), n.first(), n.first(), ProcStat.withChildren(n.process().pid())));
    targets.addAll(sidecars);
  }

  private RoleProcess sidecar(String way, String app, int appPort, int api) throws Exception {
    Map<String, String> env = Map.of("APPNAME", app, "APPPORT", Integer.toString(appPort));
    String[] args = {
      "--role=sidecar",
      "--listen-host",
      "127.0.0.1",
      "--listen-port",
      "0",
      "--proxy-url",
      "http://127.0.0.1:" + api
    };
    RoleProcess p =
        way.equals("plain")
            ? roles.add(RoleProcess.start("sidecar-" + app + "-plain", env, List.of(), args))
            : launcher("sidecar-" + app + "-launcher", env, args);
    p.awaitLine("connected to the proxy", 60_000);
    return p;
  }

  /** Waits for a port to answer (nginx forks its workers after binding). */
  private static void await(int port) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      try {
        Http.get(port, DataPlaneBench.FOO);
        return;
      } catch (java.io.IOException e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
        Thread.sleep(50); // polling a port for a condition, with a deadline
      }
    }
  }

  /** Every way answers /foo/bar from the app, and /ark3 on its routed port from the laptop. */
  void check(DataPlaneBench.Target t) throws Exception {
    DataPlaneBench.expect(t.plain(), DataPlaneBench.FOO, OtherProxies.APP_BODY);
    DataPlaneBench.expect(t.routed(), DataPlaneBench.FOO, OtherProxies.APP_BODY);
    // without an intercept, /ark3 is the app's too
    DataPlaneBench.expect(t.plain(), DataPlaneBench.ARK3, OtherProxies.APP_BODY);
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        DataPlaneBench.expect(t.ark3(), DataPlaneBench.ARK3, OtherProxies.LAPTOP_BODY);
        return;
      } catch (IllegalStateException e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
        Thread.sleep(100); // the sidecar's route arrives by long-poll: a condition, with a deadline
      }
    }
  }
}

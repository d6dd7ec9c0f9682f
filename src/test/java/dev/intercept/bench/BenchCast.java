package dev.intercept.bench;

import dev.intercept.it.Http;
import dev.intercept.it.RoleProcess;
import dev.intercept.it.Roles;
import java.io.IOException;
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
 * chooses the sidecars' ways: plain {@code java -jar}, {@code bin/intercept} (the flags the image
 * applies: C2 alone), or launcher-c2 (those with C1 and C2 tiered, the JVM's default: what leaving
 * C1 out costs in speed).
 */
final class BenchCast {
  private final Roles roles;
  private final Path dir;
  private final List<DataPlaneBench.Target> targets = new ArrayList<>();
  private final Map<String, Long> sidecarPids = new LinkedHashMap<>();

  private BenchCast(Roles roles, Path dir) {
    this.roles = roles;
    this.dir = dir;
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
    return BenchRig.launcher(roles, label, env, args);
  }

  private void startAll() throws Exception {
    BenchRig rig = BenchRig.start(roles, dir);
    int api = rig.api();
    // sidecars first: the proxy takes an intercept only for an app whose sidecar polls it
    List<DataPlaneBench.Target> sidecars = new ArrayList<>();
    for (String way : System.getProperty("bench.sidecars", "plain,launcher").split(",")) {
      RoleProcess routed = sidecar(way, "myapp", rig.appPort(), api);
      RoleProcess plain = sidecar(way, "other", rig.appPort(), api);
      String name =
          switch (way) {
            case "plain" -> "sidecar, java -jar";
            case "launcher" -> "sidecar, bin/intercept";
            default -> "sidecar, bin/intercept + C2";
          };
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
    int tunnel = rig.intercept();
    targets.add(
        new DataPlaneBench.Target("direct", rig.appPort(), rig.appPort(), tunnel, List.of()));

    OtherProxies.Server h = OtherProxies.haproxy(sub("haproxy"), rig.appPort(), tunnel);
    roles.add(h.process());
    await(h.first());
    targets.add(
        new DataPlaneBench.Target(
            "HAProxy", h.second(), h.first(), h.first(), List.of(h.process().pid())));
    OtherProxies.Server n = OtherProxies.nginxProxy(sub("nginx"), rig.appPort(), tunnel);
    roles.add(n.process());
    await(n.first());
    targets.add(
        new DataPlaneBench.Target(
            "nginx", n.second(), n.first(), n.first(), ProcStat.withChildren(n.process().pid())));
    targets.addAll(sidecars);
  }

  private RoleProcess sidecar(String way, String app, int appPort, int api) throws Exception {
    Map<String, String> env =
        way.equals("launcher-c2")
            ? Map.of(
                "APPNAME",
                app,
                "APPPORT",
                Integer.toString(appPort),
                "INTERCEPT_JAVA_OPTS",
                "-XX:+TieredCompilation -XX:CICompilerCount=2")
            : Map.of("APPNAME", app, "APPPORT", Integer.toString(appPort));
    String[] args = BenchRig.sidecarArgs(api);
    RoleProcess p =
        way.equals("plain")
            ? roles.add(RoleProcess.start("sidecar-" + app + "-plain", env, List.of(), args))
            : launcher("sidecar-" + app + "-" + way, env, args);
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
      } catch (IOException e) {
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
    BenchRig.awaitRouted(t.ark3());
  }
}

package dev.intercept.bench;

import dev.intercept.it.RoleProcess;
import dev.intercept.it.Roles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sidecar's memory (issue 13, "Lean"): sidecars of myapp started plainly ({@code java -jar}, no
 * flags) and by {@code bin/intercept} (the sidecar flags the image applies), an intercept on {@code
 * :path .*ark3.*} active, each loaded for a minute by wrk (requests to {@code /foo/bar} through the
 * sidecar to an nginx upstream); then their resident memory, Native Memory Tracking's breakdown (of
 * twins started with {@code -XX:NativeMemoryTracking=summary}, which costs memory of its own, so
 * the RSS figures come from sidecars without it), JVM start to ready (spawn to "connected to the
 * proxy"), and requests/s and p50 of plain and lean side by side in alternated rounds. {@code
 * -Dbench.variants="name=flags;..."}: more sidecars by bin/intercept with
 * INTERCEPT_JAVA_OPTS=flags; {@code -Dbench.nmt=lean,name}: the ways with an NMT twin (default
 * plain and lean); {@code -Dbench.plain=false}: no plain sidecar. Args: [LOAD_SECONDS] [ROUNDS]
 * [SECONDS] [CONNECTIONS] [STARTS].
 */
public final class SidecarMemoryBench {
  private static final String NMT = "-XX:NativeMemoryTracking=summary";

  /** A way to start the sidecar: plain java -jar, or bin/intercept with these extra flags. */
  record Way(String name, boolean launcher, String flags) {}

  record Sidecar(Way way, boolean nmt, RoleProcess process, int port, double readyS) {}

  public static void main(String[] args) throws Exception {
    int load = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int connections = args.length > 3 ? Integer.parseInt(args[3]) : 32;
    int starts = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    List<Way> ways = ways();
    List<String> nmtWays = List.of(System.getProperty("bench.nmt", "plain,lean").split(","));
    Path dir = Files.createTempDirectory("sidecar-memory-bench");
    try (Roles roles = new Roles()) {
      BenchRig rig = BenchRig.start(roles, dir);
      List<Sidecar> sidecars = new ArrayList<>();
      for (Way w : ways) {
        sidecars.add(start(roles, rig, w, false, "myapp"));
        if (nmtWays.contains(w.name())) { // NMT's breakdown of these; the others weigh RSS only
          sidecars.add(start(roles, rig, w, true, "myapp"));
        }
      }
      rig.intercept();
      for (Sidecar s : sidecars) {
        rig.awaitRouted(s.port());
      }
      Map<Sidecar, Double> idle = new HashMap<>();
      for (Sidecar s : sidecars) {
        idle.put(s, ProcStat.rssMb(s.process().pid()));
      }
      Map<Sidecar, Wrk> minute = new LinkedHashMap<>();
      Map<Sidecar, Double> rss = new HashMap<>();
      Map<Sidecar, double[]> anonFile = new HashMap<>();
      Map<Sidecar, Map<String, Long>> nmt = new LinkedHashMap<>();
      for (Sidecar s : sidecars) {
        Wrk w = Wrk.run(s.port(), DataPlaneBench.FOO, connections, load);
        long pid = s.process().pid();
        rss.put(s, ProcStat.rssMb(pid));
        anonFile.put(
            s, new double[] {ProcStat.statusMb(pid, "RssAnon"), ProcStat.statusMb(pid, "RssFile")});
        minute.put(s, w);
        if (s.nmt()) {
          nmt.put(s, Nmt.committedKb(s.process().pid()));
        }
        System.err.printf(
            Locale.ROOT, "%s nmt=%s: %s rss %.0f MB%n", s.way().name(), s.nmt(), w, rss.get(s));
      }
      Map<String, List<Wrk>> side = new LinkedHashMap<>();
      List<Sidecar> measured = sidecars.stream().filter(s -> !s.nmt()).toList();
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < measured.size(); i++) {
          Sidecar s = measured.get((i + r) % measured.size());
          Wrk w = Wrk.run(s.port(), DataPlaneBench.FOO, connections, seconds);
          side.computeIfAbsent(s.way().name(), k -> new ArrayList<>()).add(w);
          System.err.printf(Locale.ROOT, "round %d %s: %s%n", r, s.way().name(), w);
        }
      }
      Map<String, List<Double>> ready = new LinkedHashMap<>();
      for (Sidecar s : measured) {
        ready.computeIfAbsent(s.way().name(), k -> new ArrayList<>()).add(s.readyS());
      }
      for (int i = 1; i < starts; i++) {
        for (Way w : ways) {
          Sidecar s = start(roles, rig, w, false, "other");
          ready.get(w.name()).add(s.readyS());
          s.process().close();
        }
      }
      new SidecarMemoryReport(load, rounds, seconds, connections)
          .print(sidecars, idle, rss, anonFile, minute, nmt, side, ready);
    }
  }

  private static List<Way> ways() {
    List<Way> ways = new ArrayList<>();
    if (Boolean.parseBoolean(System.getProperty("bench.plain", "true"))) {
      ways.add(new Way("plain", false, ""));
    }
    ways.add(new Way("lean", true, ""));
    String variants = System.getProperty("bench.variants", "");
    for (String v : variants.split(";")) {
      if (!v.isBlank()) {
        String[] nv = v.split("=", 2);
        ways.add(new Way(nv[0].trim(), true, nv.length > 1 ? nv[1].trim() : ""));
      }
    }
    return ways;
  }

  private static Sidecar start(Roles roles, BenchRig rig, Way w, boolean nmt, String app)
      throws Exception {
    String flags = (w.flags() + (nmt ? " " + NMT : "")).trim();
    Map<String, String> env = new HashMap<>();
    env.put("APPNAME", app);
    env.put("APPPORT", Integer.toString(rig.appPort()));
    String[] args = BenchRig.sidecarArgs(rig.api());
    String label = "sidecar-" + w.name() + (nmt ? "-nmt" : "") + "-" + app;
    long t0 = System.nanoTime();
    RoleProcess p;
    if (w.launcher()) {
      env.put("INTERCEPT_JAVA_OPTS", flags);
      List<String> cmd = new ArrayList<>(List.of(BenchRig.LAUNCHER.toString()));
      cmd.addAll(List.of(args));
      p = roles.add(RoleProcess.command(label, env, cmd));
    } else {
      List<String> jvm = flags.isEmpty() ? List.of() : List.of(flags.split("\\s+"));
      p = roles.add(RoleProcess.start(label, env, jvm, args));
    }
    p.awaitLine("connected to the proxy", 60_000);
    double readyS = (System.nanoTime() - t0) / 1e9;
    return new Sidecar(w, nmt, p, p.port("http"), readyS);
  }
}

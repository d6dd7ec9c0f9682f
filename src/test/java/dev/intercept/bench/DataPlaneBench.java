package dev.intercept.bench;

import dev.intercept.it.Http;
import dev.intercept.it.ProxyApi;
import dev.intercept.it.Roles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The data plane against HAProxy and nginx (issue 13), side by side in one run: wrk (32
 * connections) against an nginx upstream answering a short body directly, through HAProxy, through
 * nginx, and through our sidecar's built-in plane started plainly ({@code java -jar}) and by the
 * launcher ({@code bin/intercept}, the flags the image applies); for {@code /foo/bar} without an
 * intercept, with one active (on {@code :path .*ark3.*}), and for {@code /ark3} through the tunnel
 * (a real proxy and client; HAProxy and nginx send /ark3 to the same tunnel port). Alternated
 * rounds; medians, CPU seconds per 10,000 requests from /proc, ratios to HAProxy; the sidecars'
 * resident memory after the load. Args: [ROUNDS] [SECONDS] [WARMUP_SECONDS] [CONNECTIONS].
 */
public final class DataPlaneBench {
  static final String FOO = "/foo/bar";
  static final String ARK3 = "/ark3";

  /**
   * A way to the app: ports for /foo/bar without an intercept, with one, and for /ark3; the
   * processes whose CPU it costs (none for direct).
   */
  record Target(String name, int plain, int routed, int ark3, List<Long> pids) {}

  record Scenario(String name, String path) {}

  static final List<Scenario> SCENARIOS =
      List.of(
          new Scenario("/foo/bar, no intercept", FOO),
          new Scenario("/foo/bar, intercept active", FOO),
          new Scenario("/ark3 through the tunnel", ARK3));

  record Run(Wrk wrk, double cpuSeconds) {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int connections = args.length > 3 ? Integer.parseInt(args[3]) : 32;
    Path dir = Files.createTempDirectory("dataplane-bench");
    try (Roles roles = new Roles()) {
      BenchCast cast = BenchCast.start(roles, dir);
      List<Target> targets = cast.targets();
      for (Target t : targets) {
        cast.check(t);
      }
      long loadStart = System.nanoTime();
      for (Target t : targets) { // JIT, pools and the tunnel warm, on each port
        Wrk.run(t.plain(), FOO, connections, Math.max(1, warmup / 3));
        Wrk.run(t.routed(), FOO, connections, Math.max(1, warmup / 3));
        Wrk.run(t.ark3(), ARK3, connections, Math.max(1, warmup / 3));
      }
      Map<String, List<Run>> runs = new LinkedHashMap<>();
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < targets.size(); i++) {
          Target t = targets.get((i + r) % targets.size()); // a different order each round
          for (int s = 0; s < SCENARIOS.size(); s++) {
            int port = s == 0 ? t.plain() : s == 1 ? t.routed() : t.ark3();
            double before = ProcStat.cpuSeconds(t.pids());
            Wrk w = Wrk.run(port, SCENARIOS.get(s).path(), connections, seconds);
            double cpu = ProcStat.cpuSeconds(t.pids()) - before;
            runs.computeIfAbsent(t.name() + "|" + s, k -> new ArrayList<>()).add(new Run(w, cpu));
            System.err.printf(
                Locale.ROOT, "round %d %s %s: %s cpu %.2f s%n", r, t.name(), s, w, cpu);
          }
        }
      }
      double loadMinutes = (System.nanoTime() - loadStart) / 60e9;
      System.out.printf(
          Locale.ROOT,
          "%d alternated rounds of %d s per way and request, wrk -t2 -c%d, after %d s of warm-up"
              + " per way; upstream: one nginx worker answering \"app\\n\" (and \"laptop\\n\""
              + " behind the tunnel); %d cores, %s.%n%n",
          rounds,
          seconds,
          connections,
          warmup,
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
      report(targets, runs);
      System.out.printf(
          Locale.ROOT,
          "%nSidecars' resident memory (VmRSS) after %.1f minutes of this load:%n%n",
          loadMinutes);
      System.out.println("| sidecar | RSS (MB) |\n| --- | --- |");
      for (Map.Entry<String, Long> e : cast.sidecarPids().entrySet()) {
        System.out.printf(Locale.ROOT, "| %s | %.0f |%n", e.getKey(), ProcStat.rssMb(e.getValue()));
      }
    }
  }

  static double median(List<Double> xs) {
    List<Double> s = xs.stream().sorted(Comparator.naturalOrder()).toList();
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static void report(List<Target> targets, Map<String, List<Run>> runs) {
    for (int s = 0; s < SCENARIOS.size(); s++) {
      System.out.println("### " + SCENARIOS.get(s).name() + "\n");
      System.out.println(
          "| way | requests/s | × HAProxy | p50 (ms) | p99 (ms) | CPU s / 10k requests |"
              + " × HAProxy | requests/s of the runs | errors |");
      System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
      List<Run> haproxy = runs.get("HAProxy|" + s);
      double hRps = median(haproxy.stream().map(x -> x.wrk().requestsPerSecond()).toList());
      double hCpu = median(haproxy.stream().map(DataPlaneBench::cpuPer10k).toList());
      for (Target t : targets) {
        List<Run> rs = runs.get(t.name() + "|" + s);
        double rps = median(rs.stream().map(x -> x.wrk().requestsPerSecond()).toList());
        double cpu = median(rs.stream().map(DataPlaneBench::cpuPer10k).toList());
        System.out.printf(
            Locale.ROOT,
            "| %s | %.0f | %.2f | %.2f | %.2f | %s | %s | %s | %d |%n",
            t.name(),
            rps,
            rps / hRps,
            median(rs.stream().map(x -> x.wrk().p50Ms()).toList()),
            median(rs.stream().map(x -> x.wrk().p99Ms()).toList()),
            t.pids().isEmpty() ? "–" : String.format(Locale.ROOT, "%.2f", cpu),
            t.pids().isEmpty() ? "–" : String.format(Locale.ROOT, "%.2f", cpu / hCpu),
            String.join(
                ", ",
                rs.stream()
                    .map(x -> String.format(Locale.ROOT, "%.0f", x.wrk().requestsPerSecond()))
                    .toList()),
            rs.stream().mapToLong(x -> x.wrk().errors()).sum());
      }
      System.out.println();
    }
  }

  private static double cpuPer10k(Run r) {
    return r.cpuSeconds() / r.wrk().requests() * 10_000;
  }

  /** Answers the way's body: fails the run when routing is wrong. */
  static void expect(int port, String path, String body) throws Exception {
    Http.Response r = Http.get(port, path);
    if (r.status() != 200 || !r.body().equals(body)) {
      throw new IllegalStateException(
          "port " + port + path + " answered " + r.status() + " " + r.body() + ", not " + body);
    }
  }

  /** The intercept's forward port on the proxy (the tunnel's way in), once its tunnel is up. */
  static int forwardPort(int api) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      var i = ProxyApi.find(api, "myapp", "bench");
      if (i != null && i.getValue("tunnel") != null) {
        return i.getInteger("port");
      }
      Thread.sleep(100); // polling the API for a condition, with a deadline
    }
    throw new IllegalStateException("the intercept's tunnel did not come up");
  }
}

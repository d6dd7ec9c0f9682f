package dev.intercept.bench;

import dev.intercept.TestTokens;
import dev.intercept.it.ClusterSecrets;
import dev.intercept.it.Http;
import dev.intercept.it.RoleProcess;
import dev.intercept.tunnel.TunnelKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The scale bench (issue 15): one proxy process, N sidecar-like long-polls from {@link ScaleLoad}
 * processes (at most 9,000 connections each: every process here has at most 20,000 descriptors)
 * over 100 apps, and an intercept created or deleted every 100 ms for S seconds, round the apps.
 * Reports connected pollers, refusals, errors, change-to-poller propagation (from the PUT or DELETE
 * being sent to each poller of the app holding the new version), the API's own latency meanwhile,
 * the proxy's RSS and live heap after a full GC (idle and under churn), and the CPU of the proxy
 * and of the generators. Loopback only, bounded in time.
 *
 * <p>With replicas > 1 the proxies form a cluster, the pollers are spread evenly over them (as the
 * Service spreads sidecars), the changes go to the first, and each replica gets its own row.
 *
 * <p>Args: pollers[,pollers...] [apps] [seconds] [replicas]. System properties: scale.proxyJvm (the
 * proxy's JVM flags, space-separated, default -Xmx512m), scale.proxyArgs (extra proxy flags).
 */
public final class ScaleBench {
  private static final int PER_GENERATOR = 9_000;
  private static final int RAMP_SECONDS = 15;
  private static final int WAIT_SECONDS = 25;
  private static final long TICK = 100_000_000L; // 100 ms in nanos
  private static final long CLK_TCK = 100;

  public static void main(String[] args) throws Exception {
    int apps = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    System.out.println(
        "| pollers | connected | refused (503) | errors | PUT/DELETE sent → every poller: p50 / p99"
            + " / max (answers/expected) | new version made → every poller | API PUT/DELETE p50 /"
            + " p99 | proxy RSS idle / churn | heap after GC idle / churn (per poll) | proxy CPU |"
            + " generator CPU | proxy's own fan-out: version made → last answer written p50 / p99"
            + " / max |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    int replicas = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    for (String n : args[0].split(",")) {
      run(Integer.parseInt(n.trim()), apps, seconds, replicas);
    }
  }

  /** One proxy process, the generators polling it, and what was measured of it. */
  private static final class Replica {
    final RoleProcess proxy;
    final int api;
    final List<RoleProcess> gens = new ArrayList<>();
    final List<Path> outs = new ArrayList<>();
    final int[] ofApp;
    int pollers;
    long heap0;
    long heapIdle;
    long rssIdle;
    int idleConnected;

    Replica(RoleProcess proxy, int apps) throws InterruptedException {
      this.proxy = proxy;
      this.api = proxy.port("api");
      this.ofApp = new int[apps];
    }
  }

  private static void run(int pollers, int apps, int seconds, int replicas) throws Exception {
    TestTokens tokens = TestTokens.create();
    Path dir = Files.createTempDirectory("scale-bench");
    List<RoleProcess> procs = new ArrayList<>();
    try {
      List<Replica> rs = startProxies(replicas, tokens, dir, apps, procs);
      for (Replica r : rs) {
        r.heap0 = heapAfterGc(r.proxy.pid());
      }
      int next = 0;
      for (int i = 0; i < replicas; i++) {
        Replica r = rs.get(i);
        r.pollers = pollers / replicas + (i < pollers % replicas ? 1 : 0);
        for (int done = 0; done < r.pollers; done += PER_GENERATOR) {
          int count = Math.min(PER_GENERATOR, r.pollers - done);
          startGenerator(r, tokens, count, apps, next, dir, seconds, procs);
          for (int k = 0; k < count; k++) {
            r.ofApp[(next + k) % apps]++;
          }
          next += count;
        }
      }
      List<RoleProcess> gens = rs.stream().flatMap(r -> r.gens.stream()).toList();
      long deadline = System.nanoTime() + (RAMP_SECONDS + 60) * 1_000_000_000L;
      while (System.nanoTime() < deadline && counts(gens)[0] < pollers) {
        Thread.sleep(1_000);
      }
      // settled: all in, or nobody new for a while (the proxy refuses the rest)
      Thread.sleep(3_000);
      for (Replica r : rs) {
        r.heapIdle = heapAfterGc(r.proxy.pid());
        r.rssIdle = rss(r.proxy.pid());
        r.idleConnected = counts(r.gens)[0];
      }
      long[] cpu0 = new long[replicas + 1];
      long[] cpu1 = new long[replicas + 1];
      cpuOf(rs, cpu0);
      long wall0 = System.nanoTime();
      Churn churn = churn(rs.get(0).api, tokens, apps, seconds);
      double wallS = (System.nanoTime() - wall0) / 1e9;
      cpuOf(rs, cpu1);
      for (int i = 0; i < replicas; i++) {
        Replica r = rs.get(i);
        String ownFanOut = ownFanOut(r.api, tokens.of("admin"));
        long rssChurn = rss(r.proxy.pid());
        long heapChurn = heapAfterGc(r.proxy.pid());
        int[] end = counts(r.gens);
        List<Long> fanOut = new ArrayList<>();
        List<Long> delays = delays(r, churn, fanOut);
        long expected = churn.expected(r.ofApp) * r.idleConnected / Math.max(1, r.pollers);
        System.out.printf(
            "| %s | %,d | %,d | %d (API %d) | %s (%,d/%,d) | %s | %s | %d / %d MB | %d / %d MB (%s) |"
                + " %.0f%% of a core | %.0f%% of a core | %s |%n",
            replicas == 1
                ? String.format("%,d", pollers)
                : String.format("%,d on replica %d of %d", r.pollers, i + 1, replicas),
            end[0],
            end[1],
            end[2],
            churn.apiErrors,
            pct(delays),
            delays.size(),
            expected,
            pct(fanOut),
            i == 0 ? pct(churn.apiNanos) : "(writes on replica 1)",
            r.rssIdle >> 20,
            rssChurn >> 20,
            r.heapIdle >> 20,
            heapChurn >> 20,
            r.idleConnected > 0
                ? String.format("%.2f KB", (r.heapIdle - r.heap0) / 1024.0 / r.idleConnected)
                : "-",
            100.0 * (cpu1[i] - cpu0[i]) / CLK_TCK / wallS,
            100.0 * (cpu1[replicas] - cpu0[replicas]) / CLK_TCK / wallS,
            ownFanOut);
      }
    } finally {
      procs.forEach(RoleProcess::close);
    }
  }

  private static List<Replica> startProxies(
      int replicas, TestTokens tokens, Path dir, int apps, List<RoleProcess> procs)
      throws Exception {
    List<String> common =
        new ArrayList<>(
            List.of(
                "--role=proxy",
                "--listen-host",
                "127.0.0.1",
                "--api-port",
                "0",
                "--ssh-port",
                "0",
                "--forward-ports",
                Http.freePorts(110),
                "--lease-seconds",
                "3600",
                "--max-intercepts-per-identity",
                "10000"));
    common.addAll(tokens.proxyArgs());
    String extra = System.getProperty("scale.proxyArgs", "").trim();
    if (!extra.isEmpty()) {
      common.addAll(Arrays.asList(extra.split(" +")));
    }
    List<String> jvm = Arrays.asList(System.getProperty("scale.proxyJvm", "-Xmx512m").split(" +"));
    Map<String, String> env = Map.of();
    String[] hz = new String[0];
    if (replicas > 1) {
      ClusterSecrets secrets = ClusterSecrets.create(dir);
      env = secrets.env();
      common.addAll(secrets.args());
      hz = Http.freePorts(replicas).split(",");
      common.addAll(
          List.of(
              "--cluster",
              "--cluster-members",
              Arrays.stream(hz).map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","))));
    }
    List<Replica> rs = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      List<String> a = new ArrayList<>(common);
      if (replicas > 1) {
        a.addAll(List.of("--cluster-port", hz[i]));
      }
      RoleProcess p = RoleProcess.start("proxy" + i, env, pinned(), jvm, a.toArray(String[]::new));
      procs.add(p);
      rs.add(new Replica(p, apps));
    }
    return rs;
  }

  /** {@code taskset -c CPUS} when -Dscale.proxyCpus=CPUS pins the proxies apart from the rest. */
  private static List<String> pinned() {
    String cpus = System.getProperty("scale.proxyCpus", "").trim();
    return cpus.isEmpty() ? List.of() : List.of("taskset", "-c", cpus);
  }

  private static void startGenerator(
      Replica r,
      TestTokens tokens,
      int count,
      int apps,
      int first,
      Path dir,
      int seconds,
      List<RoleProcess> procs)
      throws IOException {
    Path out = dir.resolve("gen" + first + ".txt");
    r.outs.add(out);
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g",
            "-cp",
            System.getProperty("java.class.path"),
            ScaleLoad.class.getName(),
            Integer.toString(r.api),
            tokens.of("sidecar"),
            Integer.toString(count),
            Integer.toString(apps),
            Integer.toString(first),
            out.toString(),
            Integer.toString(RAMP_SECONDS + 60 + seconds + 60),
            Integer.toString(RAMP_SECONDS),
            Integer.toString(WAIT_SECONDS));
    RoleProcess g = RoleProcess.command("gen" + first, cmd);
    r.gens.add(g);
    procs.add(g);
  }

  /** CPU ticks of each replica's proxy, and (last) of all generators. */
  private static void cpuOf(List<Replica> rs, long[] into) throws IOException {
    for (int i = 0; i < rs.size(); i++) {
      into[i] = ticks(rs.get(i).proxy.pid());
      into[rs.size()] += genTicks(rs.get(i).gens);
    }
  }

  /**
   * Stops the replica's generators; the delay of every new version they saw from the change being
   * sent (nanos), and, in {@code fanOut}, from the proxy making the version (ms as nanos).
   */
  private static List<Long> delays(Replica r, Churn churn, List<Long> fanOut) throws Exception {
    for (Path out : r.outs) {
      Files.writeString(Path.of(out + ".stop"), "");
    }
    for (RoleProcess g : r.gens) {
      g.awaitLine("^done$", 60_000);
    }
    List<Long> delays = new ArrayList<>();
    for (Path out : r.outs) {
      for (String line : Files.readAllLines(out)) {
        if (line.startsWith("#")) {
          continue;
        }
        String[] f = line.split(" ");
        long d = churn.delay(Integer.parseInt(f[0]), Long.parseLong(f[1]));
        if (d >= 0) {
          delays.add(d);
          fanOut.add(Long.parseLong(f[2]) * 1_000_000);
        }
      }
    }
    delays.sort(null);
    fanOut.sort(null);
    return delays;
  }

  /** The changes: every 100 ms an intercept created or deleted, round the apps. */
  private static final class Churn {
    final long[][] sends;
    final int[] count;
    final List<Long> apiNanos = new ArrayList<>();
    int apiErrors;

    Churn(int apps, int ticks) {
      sends = new long[apps][ticks / apps + 2];
      count = new int[apps];
    }

    /** Nanos from the latest change of {@code app} sent before {@code at}, or -1. */
    long delay(int app, long at) {
      long best = -1;
      for (int i = 0; i < count[app]; i++) {
        if (sends[app][i] <= at) {
          best = sends[app][i];
        }
      }
      return best < 0 ? -1 : at - best;
    }

    /** Answers due: each change of an app, to each of {@code ofApp} pollers of it. */
    long expected(int[] ofApp) {
      long e = 0;
      for (int app = 0; app < ofApp.length; app++) {
        e += (long) count[app] * ofApp[app];
      }
      return e;
    }
  }

  private static Churn churn(int api, TestTokens tokens, int apps, int seconds) throws Exception {
    int ticks = seconds * 10;
    Churn c = new Churn(apps, ticks);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String key = TunnelKeys.toOpenSsh(TunnelKeys.generate().getPublic());
    boolean[] live = new boolean[apps];
    long t0 = System.nanoTime();
    for (int k = 0; k < ticks; k++) {
      long due = t0 + k * TICK;
      long now = System.nanoTime();
      if (due > now) {
        Thread.sleep((due - now) / 1_000_000, (int) ((due - now) % 1_000_000));
      }
      int app = k % apps;
      URI uri = URI.create("http://127.0.0.1:" + api + "/api/v1/apps/app-" + app + "/intercepts/x");
      HttpRequest.Builder req =
          HttpRequest.newBuilder(uri)
              .timeout(Duration.ofSeconds(10))
              .header("Authorization", "Bearer " + tokens.of("alice"));
      if (live[app]) {
        req.DELETE();
      } else {
        String body =
            new JsonObject()
                .put(
                    "matchers",
                    new JsonArray()
                        .add(new JsonObject().put("header", ":path").put("regex", "/x" + k)))
                .put("publicKey", key)
                .encode();
        req.PUT(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
      }
      long sent = System.nanoTime();
      c.sends[app][c.count[app]++] = sent;
      try {
        HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        c.apiNanos.add(System.nanoTime() - sent);
        if (r.statusCode() / 100 == 2) {
          live[app] = !live[app];
        } else {
          c.apiErrors++;
        }
      } catch (IOException e) {
        c.apiErrors++;
      }
    }
    c.apiNanos.sort(null);
    return c;
  }

  private static String pct(List<Long> nanos) {
    if (nanos.isEmpty()) {
      return "-";
    }
    return String.format(
        "%.1f / %.1f / %.0f ms",
        nanos.get(nanos.size() / 2) / 1e6,
        nanos.get((int) Math.min(nanos.size() - 1, nanos.size() * 0.99)) / 1e6,
        nanos.get(nanos.size() - 1) / 1e6);
  }

  private static final Pattern COUNTS =
      Pattern.compile("connected (\\d+) refused (\\d+) errors (\\d+)");

  /** Summed over the generators' latest lines: connected, refused, errors. */
  private static int[] counts(List<RoleProcess> gens) {
    int[] sum = new int[3];
    for (RoleProcess g : gens) {
      List<String> lines = g.stdout();
      for (int i = lines.size() - 1; i >= 0; i--) {
        Matcher m = COUNTS.matcher(lines.get(i));
        if (m.find()) {
          for (int k = 0; k < 3; k++) {
            sum[k] += Integer.parseInt(m.group(k + 1));
          }
          break;
        }
      }
    }
    return sum;
  }

  /** Live heap after a full GC, from {@code jcmd PID GC.class_histogram} (which runs one). */
  static long heapAfterGc(long pid) throws Exception {
    Process p =
        new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    String keep = System.getProperty("scale.histograms", "");
    if (!keep.isEmpty()) { // -Dscale.histograms=DIR keeps each histogram, to see what a poll holds
      Files.createDirectories(Path.of(keep));
      Files.writeString(Path.of(keep, "histo-" + pid + "-" + System.nanoTime() + ".txt"), out);
    }
    Matcher m = Pattern.compile("Total\\s+\\d+\\s+(\\d+)").matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("no histogram total from jcmd: " + out);
    }
    return Long.parseLong(m.group(1));
  }

  /**
   * The proxy's own view of the fan-out ({@code intercept_route_fanout_seconds}: from a version
   * made to the last of its app's polls answered), read from /metrics; ms.
   */
  static String ownFanOut(int api, String adminToken) throws IOException {
    String text = Http.get(api, "/metrics", "Authorization", "Bearer " + adminToken).body();
    String[] q = {"quantile=\"0.5\"", "quantile=\"0.99\"", null};
    StringBuilder out = new StringBuilder();
    for (String label : q) {
      Matcher m =
          Pattern.compile(
                  "(?m)^intercept_route_fanout_seconds"
                      + (label == null ? "_max" : "\\{[^}]*" + label + "[^}]*\\}")
                      + " ([0-9.eE+-]+)$")
              .matcher(text);
      out.append(out.length() > 0 ? " / " : "")
          .append(m.find() ? String.format("%.1f", Double.parseDouble(m.group(1)) * 1000) : "-");
    }
    return out + " ms";
  }

  static long rss(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  /** User + system CPU of a process so far, in clock ticks (fields 14 and 15 of its stat). */
  static long ticks(long pid) throws IOException {
    Path p = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.exists(p)) {
      return 0; // a generator that exited: its CPU is no longer counted
    }
    String stat = Files.readString(p);
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static long genTicks(List<RoleProcess> gens) throws IOException {
    long t = 0;
    for (RoleProcess g : gens) {
      t += ticks(g.pid());
    }
    return t;
  }
}

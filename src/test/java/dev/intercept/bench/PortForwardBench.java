package dev.intercept.bench;

import dev.intercept.MockApiServer;
import dev.intercept.it.Http;
import dev.intercept.it.RoleProcess;
import dev.intercept.it.Roles;
import dev.intercept.it.SeedSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What reaching the proxy through kubeconfig (port-forward through the Kubernetes API) costs
 * against --proxy-url, side by side in one run, with the bin/intercept launch flags: the client's
 * start → first request at the laptop, a bare {@code list}, and a request's round trip through the
 * tunnel once up (sidecar → proxy → SSH → laptop, the SSH leg through the port-forward). The API
 * server is fabric8's mock in this JVM relaying to the real proxy process, so the figures are the
 * client's own cost (fabric8, the WebSocket per connection, the relay hop), without a real
 * cluster's network distance to its API server and kubelet.
 */
public final class PortForwardBench {
  private static SeedSetup seed;
  private static MockApiServer k8s;
  private static Path kubeconfig;

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    Roles roles = new Roles();
    k8s = MockApiServer.start();
    try {
      seed = SeedSetup.start(roles, 4);
      k8s.addProxyPod("intercept", "intercept-proxy-0", "127.0.0.1", seed.api(), seed.ssh(), true);
      kubeconfig =
          k8s.kubeconfig(
              Files.createTempDirectory("bench-kube").resolve("config"),
              "bench",
              seed.tokens().of("alice"));
      List<String> flags = new ArrayList<>(List.of("-XX:+UseSerialGC"));
      flags.addAll(RoleProcess.fastStartFlags());
      long[][] list = new long[2][runs];
      long[][] on = new long[2][runs];
      long[][] rtt = new long[2][];
      for (int i = 0; i < runs; i++) {
        // alternate, so that drift on a shared machine hits both alike
        for (int via = 0; via < 2; via++) {
          list[via][i] = listOnce(flags, via == 1);
          long[] r = interceptOnce(flags, via == 1, i, i == runs - 1 ? requests : 0);
          on[via][i] = r[0];
          if (i == runs - 1) {
            rtt[via] = Arrays.copyOfRange(r, 1, r.length);
          }
        }
      }
      System.out.println(
          "| client reaches the proxy | `list` (ms) | start → first request at laptop (ms)"
              + " | request through the tunnel p50 / p99 (µs) |");
      System.out.println("| --- | --- | --- | --- |");
      String[] names = {"`--proxy-url` (direct)", "kubeconfig: port-forward (mock API server)"};
      for (int via = 0; via < 2; via++) {
        System.out.printf(
            "| %s | %d | %d | %d / %d |%n",
            names[via],
            median(list[via]),
            median(on[via]),
            percentile(rtt[via], 50),
            percentile(rtt[via], 99));
      }
      System.out.println();
      System.out.println(
          "Medians of " + runs + " runs each (alternated); " + requests + " requests for the RTT.");
    } finally {
      roles.close();
      k8s.close();
    }
  }

  private static Map<String, String> env(boolean viaKube) {
    Map<String, String> env = new HashMap<>();
    if (viaKube) {
      env.put("KUBECONFIG", kubeconfig.toString());
    } else {
      env.put("INTERCEPT_TOKEN", seed.tokens().of("alice"));
    }
    // -Dtiming=1: the client's start-up phases, on stderr (docs/benchmarks.md)
    if ("1".equals(System.getProperty("timing"))) {
      env.put("INTERCEPT_TIMING", "1");
    }
    return env;
  }

  private static List<String> args(boolean viaKube, String... first) {
    List<String> a = new ArrayList<>(List.of(first));
    if (!viaKube) {
      a.addAll(List.of("--proxy-url", "http://127.0.0.1:" + seed.api()));
    }
    return a;
  }

  private static long listOnce(List<String> flags, boolean viaKube) throws Exception {
    long t0 = System.nanoTime();
    try (RoleProcess p =
        RoleProcess.start(
            "list",
            env(viaKube),
            flags,
            args(viaKube, "--role=client", "list").toArray(String[]::new))) {
      if (p.awaitExit(30_000) != 0) {
        throw new IllegalStateException("list failed: " + p.stderr());
      }
    }
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /** {start → laptop in ms, then {@code requests} round trips in µs}. */
  private static long[] interceptOnce(List<String> flags, boolean viaKube, int i, int requests)
      throws Exception {
    long[] out = new long[1 + requests];
    long t0 = System.nanoTime();
    List<String> a =
        args(
            viaKube,
            "--role=client",
            "intercept",
            "myapp",
            "-m",
            ":path",
            ".*ark3.*",
            "--name",
            "bench" + i,
            "-p",
            Integer.toString(seed.laptop()));
    try (RoleProcess c =
        RoleProcess.start("client", env(viaKube), flags, a.toArray(String[]::new))) {
      c.awaitLine("^T: Intercept is running", 30_000);
      awaitLaptop(c);
      out[0] = (System.nanoTime() - t0) / 1_000_000;
      for (int r = 0; r < requests; r++) {
        long s = System.nanoTime();
        String first = Http.get(seed.sidecar(), "/ark3").firstLine();
        out[1 + r] = (System.nanoTime() - s) / 1_000;
        if (!first.equals("Request served by container_on_laptop")) {
          throw new IllegalStateException("served by " + first);
        }
      }
      c.signal("INT");
      if (c.awaitExit(30_000) != 0) {
        throw new IllegalStateException("client failed: " + c.stderr());
      }
      c.stderr().stream()
          .filter(l -> l.startsWith("timing: "))
          .forEach(l -> System.err.println((viaKube ? "kube " : "direct ") + l));
    }
    // the pod serves again before the next run starts
    while (!Http.get(seed.sidecar(), "/ark3").firstLine().endsWith("the-app-pod")) {
      Thread.sleep(5);
    }
    return out;
  }

  private static void awaitLaptop(RoleProcess client) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      if (Http.get(seed.sidecar(), "/ark3").firstLine().endsWith("container_on_laptop")) {
        return;
      }
      Thread.sleep(1);
    }
    throw new IllegalStateException("never at the laptop: " + client.stdout() + client.stderr());
  }

  static long median(long[] xs) {
    return percentile(xs, 50);
  }

  static long percentile(long[] xs, int p) {
    long[] s = xs.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
  }
}

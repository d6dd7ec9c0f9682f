package dev.intercept.bench;

import dev.intercept.it.Http;
import dev.intercept.it.RoleProcess;
import dev.intercept.it.Roles;
import dev.intercept.it.SeedSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Time from starting the client to the first request served at the laptop, and from Ctrl-C to the
 * pod serving again, with three ways of launching the JVM, side by side in one run. The anchor: a
 * bare `--role=client list` (JVM start to one answered Vert.x call) in the same run. Run by `make
 * bench`; prints a Markdown table.
 */
public final class ActivationBench {
  private static int api;
  private static String token;

  /** Where a client intercepts myapp: the proxy's API, the sidecar's and laptop's ports. */
  record Target(int api, int sidecar, int laptop, String token) {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Roles roles = new Roles();
    try {
      SeedSetup seed = SeedSetup.start(roles, 4);
      token = seed.tokens().of("alice");
      api = seed.api();
      Target target = new Target(api, seed.sidecar(), seed.laptop(), token);

      Path jsa =
          Path.of(System.getProperty("intercept.jar", "target/intercept.jar"))
              .resolveSibling("intercept.jsa");
      Map<String, List<String>> variants = new LinkedHashMap<>();
      variants.put("java -jar", List.of());
      variants.put(
          "java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar",
          List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
      if (Files.isRegularFile(jsa)) {
        variants.put(
            "C1 alone + -XX:SharedArchiveFile=intercept.jsa (bin/intercept's short verbs)",
            List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:SharedArchiveFile=" + jsa));
        // what bin/intercept gives `intercept`: C2 for the tunnel's AES-GCM, reached late
        variants.put(
            "bin/intercept (SerialGC, intercept.jsa, C2 reached late)",
            List.of(
                "-XX:+UseSerialGC",
                "-XX:SharedArchiveFile=" + jsa,
                "-XX:Tier4InvocationThreshold=50000",
                "-XX:Tier4MinInvocationThreshold=20000",
                "-XX:Tier4CompileThreshold=60000",
                "-XX:Tier4BackEdgeThreshold=400000"));
        // C2 stays on: a long-lived tunnel copies faster, at some start-up cost
        variants.put(
            "java -XX:+UseSerialGC -XX:SharedArchiveFile=intercept.jsa -jar (full JIT)",
            List.of("-XX:+UseSerialGC", "-XX:SharedArchiveFile=" + jsa));
      }
      // -Dbench.variants="label=flag flag;label=..." measures those launches instead (the flags
      // given to java before -jar; AppCDS is not added by itself)
      String only = System.getProperty("bench.variants", "");
      if (!only.isBlank()) {
        variants.clear();
        for (String v : only.split(";")) {
          String[] lf = v.split("=", 2);
          variants.put(
              lf[0].trim(),
              lf.length > 1 && !lf[1].isBlank()
                  ? List.of(lf[1].trim().replace("JSA", jsa.toString()).split("\\s+"))
                  : List.of());
        }
      }
      System.out.println(
          "| launch | anchor: `client list` (ms) | start → first request at laptop (ms) "
              + "| Ctrl-C → pod serves again (ms) | client exit after Ctrl-C (ms) |");
      System.out.println("| --- | --- | --- | --- | --- |");
      for (var v : variants.entrySet()) {
        List<Long> anchor = new ArrayList<>();
        List<Long> on = new ArrayList<>();
        List<Long> off = new ArrayList<>();
        List<Long> exit = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
          anchor.add(listOnce(v.getValue()));
          long[] t = interceptOnce(target, v.getValue(), "bench" + i);
          on.add(t[1]);
          off.add(t[2]);
          exit.add(t[3]);
        }
        System.out.printf(
            "| `%s` | %d | %d | %d | %d |%n",
            v.getKey(), median(anchor), median(on), median(off), median(exit));
        System.err.printf(
            "%s: anchor %s, on %s, off %s, exit %s%n", v.getKey(), anchor, on, off, exit);
      }
      System.out.println();
      System.out.println("Medians of " + runs + " runs; all values in ms.");
    } finally {
      roles.close();
    }
  }

  private static long listOnce(List<String> flags) throws Exception {
    long t0 = System.nanoTime();
    try (RoleProcess p =
        RoleProcess.start(
            "list",
            Map.of("INTERCEPT_TOKEN", token),
            flags,
            "--role=client",
            "list",
            "--proxy-url",
            "http://127.0.0.1:" + api)) {
      if (p.awaitExit(30_000) != 0) {
        throw new IllegalStateException("list failed: " + p.stderr());
      }
    }
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /**
   * {start → "Intercept is running", start → laptop, Ctrl-C → pod, Ctrl-C → client exited} in ms,
   * for one client intercepting /ark3 of myapp.
   */
  static long[] interceptOnce(Target t, List<String> flags, String name) throws Exception {
    long t0 = System.nanoTime();
    try (RoleProcess c =
        RoleProcess.start(
            "client",
            Map.of("INTERCEPT_TOKEN", t.token()),
            flags,
            "--role=client",
            "intercept",
            "myapp",
            "-m",
            ":path",
            ".*ark3.*",
            "--name",
            name,
            "-p",
            Integer.toString(t.laptop()),
            "--proxy-url",
            "http://127.0.0.1:" + t.api())) {
      // no load while the client starts (2 cores): wait for its "running" line, then poll fast;
      // the proxy publishes the route before it confirms the tunnel, so nothing is missed
      c.awaitLine("^T: Intercept is running", 30_000);
      long running = System.nanoTime() - t0;
      awaitServedBy(t, "container_on_laptop", 30_000, c);
      long on = System.nanoTime() - t0;
      long t1 = System.nanoTime();
      c.signal("INT");
      awaitServedBy(t, "the-app-pod", 30_000, c);
      long off = System.nanoTime() - t1;
      if (c.awaitExit(30_000) != 0) {
        throw new IllegalStateException("client failed: " + c.stderr());
      }
      long exit = System.nanoTime() - t1;
      return new long[] {running / 1_000_000, on / 1_000_000, off / 1_000_000, exit / 1_000_000};
    }
  }

  private static void awaitServedBy(Target t, String who, long timeoutMs, RoleProcess client)
      throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (Http.get(t.sidecar(), "/ark3").firstLine().equals("Request served by " + who)) {
        return;
      }
      Thread.sleep(1);
    }
    throw new IllegalStateException(
        "never served by " + who + "; client: " + client.stdout() + client.stderr());
  }

  static long median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    s.sort(null);
    return s.get(s.size() / 2);
  }
}

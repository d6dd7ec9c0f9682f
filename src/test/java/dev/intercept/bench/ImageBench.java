package dev.intercept.bench;

import dev.intercept.TestTokens;
import dev.intercept.it.Container;
import dev.intercept.it.Http;
import dev.intercept.it.LocalBaseImage;
import dev.intercept.it.Podman;
import dev.intercept.it.PodsLocalBase;
import dev.intercept.it.RoleProcess;
import dev.intercept.it.Roles;
import dev.intercept.it.SeedSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.opentest4j.TestAbortedException;

/**
 * The image, built on the local base as the tests build it (no registry here, so not the pinned
 * Temurin base): its size; each role's container start → ready, by the image's ENTRYPOINT
 * (bin/intercept: the AppCDS archive; for the sidecar its lean flags and the JDK's CDS archive
 * instead, docs/sidecar-memory.md) and by a plain {@code java -jar} (the JDK's own CDS archive
 * only), interleaved; and the seed's activation with the proxy and the app in pods ({@code podman
 * kube play}, {@link PodsLocalBase}) against the same roles as plain processes ({@link SeedSetup}),
 * interleaved. Run by {@code make bench}; Markdown.
 */
public final class ImageBench {
  private static final List<String> NO_APPCDS =
      List.of(
          "--entrypoint",
          "[\"java\", \"-XX:+ExitOnOutOfMemoryError\", \"-jar\", \"/opt/intercept/intercept.jar\"]");

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    String image;
    try {
      image = LocalBaseImage.get();
    } catch (TestAbortedException e) {
      System.out.println("skipped: " + e.getMessage());
      return;
    }
    sizes(image);
    System.out.println();
    containerStarts(image, runs);
    System.out.println();
    activation(image, runs);
  }

  private static void sizes(String image) {
    long imageBytes =
        Long.parseLong(Podman.run("image", "inspect", "--format", "{{.Size}}", image));
    long baseBytes =
        Long.parseLong(
            Podman.run(
                "image",
                "inspect",
                "--format",
                "{{.Size}}",
                "localhost/intercept-local-base:bookworm-jre17"));
    String files =
        Podman.run(
            "run",
            "--rm",
            "--network",
            "none",
            "--entrypoint",
            "stat",
            image,
            "-c",
            "%s",
            "/opt/intercept/intercept.jar",
            "/opt/intercept/intercept.jsa");
    String[] f = files.split("\\s+");
    System.out.println("| image `" + image + "` | MB |");
    System.out.println("| --- | --- |");
    System.out.printf("| whole image (podman image inspect) | %d |%n", imageBytes / 1_000_000);
    System.out.printf(
        "| of which the local JRE base (Debian bookworm minbase + openjdk-17-jre-headless) | %d |%n",
        baseBytes / 1_000_000);
    System.out.printf("| of which the jar | %d |%n", Long.parseLong(f[0]) / 1_000_000);
    System.out.printf("| of which the AppCDS archive | %d |%n", Long.parseLong(f[1]) / 1_000_000);
    System.out.printf(
        "%nImage build (podman build, the AppCDS training run included): %d ms.%n",
        LocalBaseImage.buildMs());
  }

  /** Container start → ready per role, with and without the AppCDS archive, interleaved. */
  private static void containerStarts(String image, int runs) throws Exception {
    String run = Container.runId();
    String network = "intercept-bench-" + run;
    Path dir = Files.createTempDirectory("intercept-bench");
    TestTokens tokens = TestTokens.create();
    Path secrets =
        Container.volumeDir(
            dir.resolve("secrets"), Map.of("tokens.csv", Files.readString(tokens.file())));
    Podman.run("network", "create", network);
    String proxyName = "intercept-bench-proxy-" + run;
    List<String> proxyOptions =
        List.of(
            "--read-only",
            "--tmpfs",
            "/tmp",
            "--network",
            network,
            "--publish",
            "127.0.0.1::8081",
            "--volume",
            secrets + ":/var/run/secrets/intercept:ro");
    String[] proxyArgs = {
      "--role=proxy",
      "--listen-host=0.0.0.0",
      "--forward-bind-host=0.0.0.0",
      "--auth=token-file",
      "--token-file=/var/run/secrets/intercept/tokens.csv"
    };
    Map<String, List<Long>> times = new LinkedHashMap<>();
    try (Container proxy = Container.run(proxyName, proxyOptions, image, proxyArgs)) {
      proxy.awaitLine("listening", 60_000);
      List<String> sidecarOptions = new ArrayList<>(List.of("--read-only", "--tmpfs", "/tmp"));
      sidecarOptions.addAll(Container.sidecarOptions(network, tokens.of("sidecar")));
      for (int i = 0; i < runs; i++) {
        for (boolean cds : List.of(true, false)) {
          String v = cds ? "with" : "without";
          add(
              times,
              "proxy " + v,
              startToReady(
                  "intercept-bench-p-" + run + "-" + i + v,
                  with(proxyOptions, cds),
                  image,
                  8081,
                  port -> status(port, "/readyz") == 200,
                  proxyArgs));
          add(
              times,
              "sidecar " + v,
              startToLine(
                  "intercept-bench-s-" + run + "-" + i + v,
                  with(sidecarOptions, cds),
                  image,
                  "connected to the proxy",
                  "--role=sidecar",
                  "--proxy-url=http://" + proxyName + ":8081"));
          add(
              times,
              "echo " + v,
              startToReady(
                  "intercept-bench-e-" + run + "-" + i + v,
                  with(
                      List.of("--read-only", "--tmpfs", "/tmp", "--publish", "127.0.0.1::8080"),
                      cds),
                  image,
                  8080,
                  port -> status(port, "/") == 200,
                  "--role=echo",
                  "--listen-host=0.0.0.0"));
        }
      }
    } finally {
      Podman.tryRun("network", "rm", "--force", network);
      Container.deleteTree(dir);
    }
    System.out.println(
        "| container (podman run --read-only --tmpfs /tmp) | ready when | by the ENTRYPOINT"
            + " (AppCDS; the sidecar: its lean flags) (ms) | plain java -jar: the JDK's CDS only"
            + " (ms) |");
    System.out.println("| --- | --- | --- | --- |");
    Map<String, String> when =
        Map.of(
            "proxy",
            "/readyz answers 200",
            "sidecar",
            "\"connected to the proxy\" (a proxy container on the network)",
            "echo",
            "answers a GET");
    for (String role : List.of("proxy", "sidecar", "echo")) {
      System.out.printf(
          "| %s | %s | %d | %d |%n",
          role,
          when.get(role),
          ActivationBench.median(times.get(role + " with")),
          ActivationBench.median(times.get(role + " without")));
      System.err.printf(
          "%s: with %s, without %s%n",
          role, times.get(role + " with"), times.get(role + " without"));
    }
    System.out.println();
    System.out.println(
        "From spawning `podman run` to ready; medians of " + runs + " runs each, interleaved.");
  }

  private static void add(Map<String, List<Long>> times, String key, long ms) {
    times.computeIfAbsent(key, k -> new ArrayList<>()).add(ms);
  }

  private static List<String> with(List<String> options, boolean appCds) {
    List<String> all = new ArrayList<>(options);
    if (!appCds) {
      all.addAll(NO_APPCDS);
    }
    return all;
  }

  private static long startToReady(
      String name, List<String> options, String image, int port, IntPredicate ready, String... args)
      throws Exception {
    long t0 = System.nanoTime();
    try (Container c = Container.run(name, options, image, args)) {
      int host = c.hostPort(port);
      long deadline = t0 + 60_000_000_000L;
      while (!ready.test(host)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(name + " not ready: " + c.stdout() + c.stderr());
        }
        Thread.sleep(2);
      }
      return (System.nanoTime() - t0) / 1_000_000;
    }
  }

  private static long startToLine(
      String name, List<String> options, String image, String line, String... args)
      throws Exception {
    long t0 = System.nanoTime();
    try (Container c = Container.run(name, options, image, args)) {
      c.awaitLine(line, 60_000);
      return (System.nanoTime() - t0) / 1_000_000;
    }
  }

  private static int status(int port, String path) {
    try {
      return Http.get(port, path).status();
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Pod start → ready (fresh pods each run); then the seed's activation with the roles in pods and
   * as processes, interleaved, both set up once and warmed by one untimed intercept (the cluster
   * side runs long; a first intercept after a deploy pays the JIT's warm-up on top).
   */
  private static void activation(String image, int runs) throws Exception {
    List<Long> proxyPod = new ArrayList<>();
    List<Long> appPod = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      try (PodsLocalBase pods = PodsLocalBase.create(image)) {
        proxyPod.add(pods.startProxy());
        appPod.add(pods.startApp());
      }
    }
    Map<String, List<long[]>> samples = new LinkedHashMap<>();
    List<String> flags = RoleProcess.fastStartFlags();
    try (Roles processes = new Roles();
        PodsLocalBase pods = PodsLocalBase.create(image)) {
      SeedSetup seed = SeedSetup.start(processes, 4);
      pods.startProxy();
      pods.startApp();
      int laptopPort = processes.echo("laptop", "container_on_laptop").port("http");
      Map<String, ActivationBench.Target> targets = new LinkedHashMap<>();
      targets.put(
          "processes",
          new ActivationBench.Target(
              seed.api(), seed.sidecar(), seed.laptop(), seed.tokens().of("alice")));
      targets.put(
          "pods",
          new ActivationBench.Target(
              pods.api(), pods.app(), laptopPort, pods.tokens().of("alice")));
      for (int i = -1; i < runs; i++) {
        for (var t : targets.entrySet()) {
          long[] sample = ActivationBench.interceptOnce(t.getValue(), flags, t.getKey() + (i + 1));
          if (i >= 0) {
            samples.computeIfAbsent(t.getKey(), k -> new ArrayList<>()).add(sample);
          }
        }
      }
    }
    System.out.println("| pod (podman kube play of src/test/resources/pods/) | ready when | ms |");
    System.out.println("| --- | --- | --- |");
    System.out.printf(
        "| the proxy's | /readyz answers 200 | %d |%n", ActivationBench.median(proxyPod));
    System.out.printf(
        "| the app's (app + sidecar) | the sidecar is \"connected to the proxy\" | %d |%n",
        ActivationBench.median(appPod));
    System.err.printf("pods: proxy %s, app %s%n", proxyPod, appPod);
    System.out.println();
    System.out.println(
        "| seed's roles as | client start → \"Intercept is running\" (ms) | start → first"
            + " request at laptop (ms) | Ctrl-C → pod serves again (ms) | client exit after"
            + " Ctrl-C (ms) |");
    System.out.println("| --- | --- | --- | --- | --- |");
    for (var e : samples.entrySet()) {
      long[] m = new long[4];
      for (int k = 0; k < 4; k++) {
        List<Long> col = new ArrayList<>();
        for (long[] s : e.getValue()) {
          col.add(s[k]);
        }
        m[k] = ActivationBench.median(col);
        System.err.printf("%s column %d: %s%n", e.getKey(), k, col);
      }
      System.out.printf("| %s | %d | %d | %d | %d |%n", e.getKey(), m[0], m[1], m[2], m[3]);
    }
    System.out.println();
    System.out.println(
        "Client on the host in both (java with the fast-start flags, as bin/intercept); medians"
            + " of "
            + runs
            + " runs each, interleaved, after one untimed intercept each.");
  }
}

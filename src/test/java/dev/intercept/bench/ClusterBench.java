package dev.intercept.bench;

import dev.intercept.it.ClusterSecrets;
import dev.intercept.it.Http;
import dev.intercept.it.RoleProcess;
import dev.intercept.tunnel.TunnelKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The HA proxy (issue 4), three replicas as processes on loopback: time for each replica to start
 * and join; API write on one replica → long-poll answered on another (p50/p99); the failover
 * timeline when the replica holding a tunnel is killed with SIGKILL. Run by `make bench`.
 */
public final class ClusterBench {
  public static void main(String[] args) throws Exception {
    int writes = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    List<RoleProcess> all = new ArrayList<>();
    Path dir = Files.createTempDirectory("cluster-bench");
    ClusterSecrets secrets = ClusterSecrets.create(dir);
    try {
      String[] hz = Http.freePorts(3).split(",");
      String members = "127.0.0.1:" + hz[0] + ",127.0.0.1:" + hz[1] + ",127.0.0.1:" + hz[2];
      String pool = Http.freePorts(4);
      int[] api = new int[3];
      int[] ssh = new int[3];
      RoleProcess[] r = new RoleProcess[3];
      long[] join = new long[3];
      for (int i : new int[] {2, 0, 1}) {
        long t0 = System.nanoTime();
        List<String> a =
            new ArrayList<>(
                List.of(
                    "--role=proxy",
                    "--cluster",
                    "--cluster-members",
                    members,
                    "--cluster-port",
                    hz[i],
                    "--cluster-failure-seconds",
                    "3",
                    "--listen-host",
                    "127.0.0.1",
                    "--api-port",
                    "0",
                    "--ssh-port",
                    "0",
                    "--forward-ports",
                    pool,
                    "--forward-bind-host",
                    "127.0.0.1",
                    "--host-key-file",
                    dir.resolve("host-key.pem").toString()));
        a.addAll(secrets.args());
        if (i == 1) {
          a.addAll(List.of("--public-ssh-port", Integer.toString(ssh[2])));
        }
        r[i] = RoleProcess.start("replica" + i, secrets.env(), a.toArray(String[]::new));
        all.add(r[i]);
        var m = r[i].awaitLine("listening api=[^ ]*:(\\d+) ssh=[^ ]*:(\\d+) ", 120_000);
        join[i] = (System.nanoTime() - t0) / 1_000_000;
        api[i] = Integer.parseInt(m.group(1));
        ssh[i] = Integer.parseInt(m.group(2));
      }
      System.out.println("| measure | value |");
      System.out.println("| --- | --- |");
      System.out.printf(
          "| process start → joined and listening: first replica (alone) | %d ms |%n", join[2]);
      System.out.printf(
          "| process start → joined and listening: second, third replica | %d ms, %d ms |%n",
          join[0], join[1]);

      List<Long> micros = writeToPoll(api[1], api[0], writes);
      System.out.printf(
          "| API write on replica B → long-poll answered on replica A (%d writes) | p50 %.1f ms, p99 %.1f ms |%n",
          writes, micros.get(writes / 2) / 1000.0, micros.get((int) (writes * 0.99)) / 1000.0);

      long[] failover = failover(all, api, r);
      System.out.printf(
          "| kill -9 of the tunnel's replica → matched traffic on the pod | %d ms |%n",
          failover[0]);
      System.out.printf(
          "| kill -9 of the tunnel's replica → matched traffic at the laptop again | %d ms |%n",
          failover[1]);
      System.out.println();
    } finally {
      all.forEach(RoleProcess::close);
    }
  }

  /**
   * PUT on {@code writer}; the time until a long-poll parked on {@code poller} returns the change.
   */
  static List<Long> writeToPoll(int writer, int poller, int n) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String key = TunnelKeys.toOpenSsh(TunnelKeys.generate().getPublic());
    long version =
        new JsonObject(get(http, poller, "/api/v1/apps/bench/routes?since=-1")).getLong("version");
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n + 20; i++) {
      long since = version;
      CompletableFuture<HttpResponse<String>> poll =
          http.sendAsync(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + poller
                              + "/api/v1/apps/bench/routes?since="
                              + since
                              + "&wait=30"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      // the poll must be parked before the write: a poll with the current version is held
      Thread.sleep(5);
      String body =
          new JsonObject()
              .put(
                  "matchers",
                  new JsonArray()
                      .add(new JsonObject().put("header", ":path").put("regex", "/" + i)))
              .put("publicKey", key)
              .encode();
      long t0 = System.nanoTime();
      HttpResponse<String> put =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + writer + "/api/v1/apps/bench/intercepts/w"))
                  .PUT(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (put.statusCode() != 201) {
        throw new IllegalStateException("PUT " + put.statusCode() + " " + put.body());
      }
      version = new JsonObject(poll.get().body()).getLong("version");
      long dt = (System.nanoTime() - t0) / 1_000;
      if (version == since) {
        throw new IllegalStateException("poll returned without the change");
      }
      if (i >= 20) {
        out.add(dt);
      }
    }
    out.sort(null);
    return out;
  }

  static String get(HttpClient http, int port, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /**
   * {kill → pod, kill → laptop} in ms, with a sidecar polling replica 0 and a client tunnelled via
   * replica 2.
   */
  static long[] failover(List<RoleProcess> all, int[] api, RoleProcess[] r) throws Exception {
    RoleProcess pod =
        RoleProcess.start(
            "pod",
            Map.of(),
            "--role=echo",
            "--listen-host",
            "127.0.0.1",
            "--port",
            "0",
            "--hostname",
            "the-app-pod");
    all.add(pod);
    RoleProcess lap =
        RoleProcess.start(
            "laptop",
            Map.of(),
            "--role=echo",
            "--listen-host",
            "127.0.0.1",
            "--port",
            "0",
            "--hostname",
            "container_on_laptop");
    all.add(lap);
    String urls =
        "http://127.0.0.1:"
            + api[0]
            + ",http://127.0.0.1:"
            + api[1]
            + ",http://127.0.0.1:"
            + api[2];
    RoleProcess sc =
        RoleProcess.start(
            "sidecar",
            Map.of("APPNAME", "myapp", "APPPORT", Integer.toString(pod.port("http"))),
            "--role=sidecar",
            "--listen-host",
            "127.0.0.1",
            "--listen-port",
            "0",
            "--proxy-url",
            urls);
    all.add(sc);
    int sidecar = sc.port("http");
    sc.awaitLine("connected to the proxy", 30_000);
    RoleProcess c =
        RoleProcess.start(
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
            Integer.toString(lap.port("http")),
            "--proxy-url",
            "http://127.0.0.1:" + api[1] + ",http://127.0.0.1:" + api[0]);
    all.add(c);
    c.awaitLine("^T: Intercept is running", 60_000);
    while (!Http.get(sidecar, "/ark3").firstLine().contains("container_on_laptop")) {
      Thread.sleep(5);
    }
    r[2].close();
    long t0 = System.nanoTime();
    long pod0 = -1;
    while ((System.nanoTime() - t0) / 1_000_000 < 60_000) {
      String s = Http.get(sidecar, "/ark3").firstLine();
      long t = (System.nanoTime() - t0) / 1_000_000;
      if (s.contains("the-app-pod") && pod0 < 0) {
        pod0 = t;
      }
      if (s.contains("container_on_laptop") && pod0 >= 0) {
        return new long[] {pod0, t};
      }
      Thread.sleep(2);
    }
    return new long[] {pod0, -1};
  }
}

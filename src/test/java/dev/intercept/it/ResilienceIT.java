package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.TestWait;
import dev.intercept.config.Config;
import dev.intercept.config.Role;
import dev.intercept.tunnel.Keepalive;
import io.vertx.core.json.JsonArray;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Never stale, never broken: a client killed, a proxy restarted, roles stopped with SIGTERM. */
class ResilienceIT {
  /** Timelines the scenarios measured (read by ResilienceBench), in ms. */
  static final Map<String, Long> TIMINGS = new ConcurrentHashMap<>();

  private final Roles started = new Roles();
  private int podPort;
  private int laptop;

  @AfterEach
  void stopAll() {
    started.close();
  }

  RoleProcess proxy(int api, int ssh, String pool, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--role=proxy",
                "--listen-host",
                "127.0.0.1",
                "--api-port",
                Integer.toString(api),
                "--ssh-port",
                Integer.toString(ssh),
                "--forward-ports",
                pool,
                "--forward-bind-host",
                "127.0.0.1"));
    args.addAll(List.of(extra));
    RoleProcess p = started.start("proxy", Map.of(), args.toArray(String[]::new));
    p.port("api");
    return p;
  }

  int appAndSidecar(int api) throws Exception {
    podPort = started.echo("pod", "the-app-pod").port("http");
    laptop = started.echo("laptop", "container_on_laptop").port("http");
    RoleProcess sc =
        started.start(
            "sidecar",
            Map.of("APPNAME", "myapp", "APPPORT", Integer.toString(podPort)),
            "--role=sidecar",
            "--listen-host",
            "127.0.0.1",
            "--listen-port",
            "0",
            "--proxy-url",
            "http://127.0.0.1:" + api);
    int port = sc.port("http");
    sc.awaitLine("connected to the proxy", 30_000);
    return port;
  }

  RoleProcess client(int api, String name, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--role=client",
                "intercept",
                "myapp",
                "-m",
                ":path",
                ".*ark3.*",
                "--name",
                name,
                "-p",
                Integer.toString(laptop),
                "--proxy-url",
                "http://127.0.0.1:" + api));
    args.addAll(List.of(extra));
    RoleProcess c = started.start(name, Map.of(), args.toArray(String[]::new));
    c.awaitLine("^T: Intercept is running", 30_000);
    return c;
  }

  static String served(int sidecar, String path) {
    try {
      Http.Response r = Http.get(sidecar, path);
      return r.status() + " " + r.firstLine().replace("Request served by ", "");
    } catch (Exception e) {
      return e.toString();
    }
  }

  @Test
  void aKilledClientFailsOpenAtOnceAndItsLeaseFreesNameAndPort() throws Exception {
    int api = proxy(0, 0, Http.freePorts(1), "--lease-seconds", "2").port("api");
    int sidecar = appAndSidecar(api);
    RoleProcess c = client(api, "test", "--renew-seconds", "1");
    TestWait.until(
        () -> served(sidecar, "/ark3").equals("200 container_on_laptop"), 5_000, "the laptop");
    c.close(); // kill -9
    long t0 = System.currentTimeMillis();
    TestWait.until(
        () -> served(sidecar, "/ark3").equals("200 the-app-pod"), 3_000, "the pod at once");
    TIMINGS.put("client kill -9 → matched traffic on the pods", System.currentTimeMillis() - t0);
    TestWait.until(() -> listSize(api) == 0, 10_000, "the lapsed lease to remove the intercept");
    // the one-port pool is free again, and so is the name, for anybody
    RoleProcess other = client(api, "test");
    TestWait.until(
        () -> served(sidecar, "/ark3").equals("200 container_on_laptop"), 5_000, "the new client");
    other.signal("TERM");
    assertEquals(0, other.awaitExit(15_000));
  }

  static int listSize(int api) {
    try {
      return new JsonArray(Http.get(api, "/api/v1/intercepts").body()).size();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void aRestartedProxyIsHealedWithoutAnybodyDoingAnything() throws Exception {
    String[] ports = Http.freePorts(3).split(",");
    int api = Integer.parseInt(ports[0]);
    int ssh = Integer.parseInt(ports[1]);
    // the restarted proxy keeps its host key (a Secret in a cluster): clients pin it
    String hostKey = Files.createTempDirectory("hostkey").resolve("ssh_host_key").toString();
    RoleProcess proxy = proxy(api, ssh, ports[2], "--host-key-file", hostKey);
    int sidecar = appAndSidecar(api);
    RoleProcess c = client(api, "test");
    TestWait.until(
        () -> served(sidecar, "/ark3").equals("200 container_on_laptop"), 5_000, "the laptop");
    proxy.close(); // state lost
    long t0 = System.currentTimeMillis();
    // while the proxy is away the sidecar serves: unmatched traffic never fails, matched fails open
    for (int i = 0; i < 20; i++) {
      assertEquals("200 the-app-pod", served(sidecar, "/foo/bar"));
    }
    TestWait.until(
        () -> served(sidecar, "/ark3").equals("200 the-app-pod"),
        3_000,
        "matched traffic on the pod");
    proxy(api, ssh, ports[2], "--host-key-file", hostKey);
    TestWait.until(
        () -> served(sidecar, "/ark3").equals("200 container_on_laptop"),
        30_000,
        "the client to register and tunnel again by itself");
    TIMINGS.put(
        "proxy kill -9 and restart → intercept restored (from the kill; restart at once)",
        System.currentTimeMillis() - t0);
    assertTrue(
        c.stdout().stream().anyMatch(l -> l.startsWith("T: Tunnel to the proxy lost")),
        c.stdout().toString());
    assertEquals(1, listSize(api));
  }

  @Test
  void aClosedLocalPortGetsAClear502OrWithFailOpenLocalThePods() throws Exception {
    int api = proxy(0, 0, Http.freePorts(2)).port("api");
    int sidecar = appAndSidecar(api);
    String[] closed = Http.freePorts(2).split(",");
    RoleProcess strict =
        started.start(
            "strict",
            Map.of(),
            "--role=client",
            "intercept",
            "myapp",
            "-m",
            ":path",
            "/a3.*",
            "--name",
            "strict",
            "-p",
            closed[0],
            "--proxy-url",
            "http://127.0.0.1:" + api);
    strict.awaitLine(
        "^T: Nothing is listening on localhost:" + closed[0] + ": matched requests get a 502",
        30_000);
    Http.Response r = Http.get(sidecar, "/a3");
    assertEquals(502, r.status(), r.body());
    assertTrue(r.body().contains("nothing is listening on localhost:" + closed[0]), r.body());
    assertEquals(
        502,
        Http.send(sidecar, "POST", "/a3/upload", "x".getBytes()).status(),
        "whatever the method");
    // with a body: the answer comes after it is read, so no reset at the close cuts the 502
    for (int i = 0; i < 3; i++) {
      assertEquals(
          502,
          Http.send(sidecar, "POST", "/a3/upload", new byte[1 << 20]).status(),
          "with a body of 1 MiB");
    }
    started
        .start(
            "late-app",
            Map.of(),
            "--role=echo",
            "--listen-host",
            "127.0.0.1",
            "--port",
            closed[0],
            "--hostname",
            "container_on_laptop")
        .port("http");
    strict.awaitLine("^T: localhost:" + closed[0] + " is listening again", 10_000);
    TestWait.until(
        () -> served(sidecar, "/a3").equals("200 container_on_laptop"), 5_000, "the app, now up");

    RoleProcess lenient =
        started.start(
            "lenient",
            Map.of(),
            "--role=client",
            "intercept",
            "myapp",
            "-m",
            ":path",
            "/b3.*",
            "--name",
            "lenient",
            "-p",
            closed[1],
            "--fail-open-local",
            "--proxy-url",
            "http://127.0.0.1:" + api);
    lenient.awaitLine(
        "^T: Nothing is listening on localhost:" + closed[1] + ": matched requests go to the pods",
        30_000);
    TestWait.until(
        () -> served(sidecar, "/b3").equals("200 the-app-pod"),
        5_000,
        "the pods, the local port being down");
    for (int i = 0; i < 10; i++) {
      assertEquals("200 the-app-pod", served(sidecar, "/b3"));
    }
  }

  /**
   * How long the shipped defaults let a silent client go unnoticed: keepalive x (missed + 1), plus
   * a check's period (at most 250 ms) and a second for this busy machine.
   */
  static long defaultDetectionBoundMs() {
    Keepalive k = Keepalive.from(Config.of(Role.PROXY, Map.of(), "defaults"));
    return k.detection().toMillis() + 250 + 1_000;
  }

  @Test
  void aSleepingLaptopFailsOpenWithinTheDefaultsBoundAndOnWakeComesBackByItself() throws Exception {
    // keepalives as shipped: what a user gets without tuning anything
    RoleProcess proxy = proxy(0, 0, Http.freePorts(2), "--lease-seconds", "3");
    int api = proxy.port("api");
    int sidecar = appAndSidecar(api);
    RoleProcess c = client(api, "test", "--renew-seconds", "1");
    TestWait.until(
        () -> served(sidecar, "/ark3").equals("200 container_on_laptop"), 5_000, "the laptop");
    c.signal("STOP");
    long t0 = System.currentTimeMillis();
    long bound = defaultDetectionBoundMs();
    TestWait.until(
        () -> served(sidecar, "/ark3").equals("200 the-app-pod"),
        bound,
        "the proxy to notice the silent tunnel and fail open within the defaults' bound");
    long failOpen = System.currentTimeMillis() - t0;
    assertTrue(failOpen <= bound, failOpen + " ms > " + bound + " ms");
    TestWait.until(() -> listSize(api) == 0, 10_000, "the lease to lapse");
    // the laptop sleeps well beyond the 3 s lease: the duration is the scenario, not a
    // synchronisation
    TestWait.until(() -> System.currentTimeMillis() - t0 > 7_000, 10_000, "seven seconds asleep");
    c.signal("CONT");
    long t1 = System.currentTimeMillis();
    c.awaitLine("^T: Resumed after \\d+ s without contact", 10_000);
    try {
      TestWait.until(
          () -> served(sidecar, "/ark3").equals("200 container_on_laptop"),
          20_000,
          "matched traffic at the laptop again, nobody doing anything");
    } catch (AssertionError e) {
      c.signal("QUIT"); // the client's threads, on its stdout
      TestWait.until(
          () -> c.stdout().stream().anyMatch(l -> l.startsWith("Full thread dump")),
          5_000,
          "a thread dump");
      Thread.sleep(500);
      throw new AssertionError(
          e.getMessage()
              + "\nclient: "
              + String.join("\n", c.stdout())
              + c.stderr()
              + "\nproxy: "
              + proxy.stderr(),
          e);
    }
    TIMINGS.put("client SIGSTOP → matched traffic on the pods (default keepalives)", failOpen);
    TIMINGS.put(
        "client SIGCONT → matched traffic at the laptop again", System.currentTimeMillis() - t1);
    c.awaitLine("^T: Intercept restored", 10_000);
  }

  /**
   * A tunnel that is busy is alive: a bulk upload through the tunnel to the laptop, echoed back,
   * for three times the defaults' detection time, with the client and then the proxy stopped for
   * 500 ms each (a GC pause, a scheduler hiccup) mid-way. Neither end drops the session.
   */
  @Test
  void aBusyTunnelWithShortPausesOnEitherEndIsNotDropped() throws Exception {
    RoleProcess proxy = proxy(0, 0, Http.freePorts(1));
    int api = proxy.port("api");
    int sidecar = appAndSidecar(api);
    RoleProcess sc = started.last();
    RoleProcess c = client(api, "test");
    TestWait.until(
        () -> served(sidecar, "/ark3").equals("200 container_on_laptop"), 5_000, "the laptop");
    long runMs =
        3 * Keepalive.from(Config.of(Role.PROXY, Map.of(), "defaults")).detection().toMillis();
    CompletableFuture<long[]> upload =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return BulkEcho.run(sidecar, "/ark3", runMs);
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            });
    long t0 = System.currentTimeMillis();
    TestWait.until(() -> System.currentTimeMillis() - t0 > runMs / 3, runMs, "bytes flowing");
    pause(c, 500);
    TestWait.until(() -> System.currentTimeMillis() - t0 > 2 * runMs / 3, runMs, "bytes flowing");
    pause(proxy, 500);
    long[] sentAndEchoed;
    try {
      sentAndEchoed = upload.get(runMs + 30_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError(
          "the upload failed: "
              + e.getCause()
              + "\nproxy: "
              + proxy.stderr()
              + "\nsidecar: "
              + sc.stderr()
              + "\nclient: "
              + c.stdout()
              + c.stderr(),
          e);
    }
    assertTrue(sentAndEchoed[0] > 0, "nothing was uploaded");
    assertEquals(sentAndEchoed[0], sentAndEchoed[1], "every byte uploaded came back");
    assertEquals("200 container_on_laptop", served(sidecar, "/ark3"));
    for (RoleProcess p : List.of(proxy, c)) {
      assertTrue(
          p.stderr().stream().noneMatch(l -> l.contains("closing SSH session")),
          "no session was taken for dead: " + p.stderr());
    }
    assertTrue(
        c.stdout().stream()
            .noneMatch(l -> l.contains("Tunnel to the proxy") || l.contains("Resumed")),
        "the client saw no outage: " + c.stdout());
  }

  /** SIGSTOP, then SIGCONT after {@code ms}: the process was frozen that long. */
  private static void pause(RoleProcess p, long ms) throws Exception {
    p.signal("STOP");
    long at = System.nanoTime();
    try {
      // the pause's length is the scenario, not a synchronisation
      TestWait.until(() -> System.nanoTime() - at >= ms * 1_000_000, ms + 5_000, "the pause");
    } finally {
      p.signal("CONT");
    }
  }

  @Test
  void sigtermDrainsInFlightRequestsAndExitsZero() throws Exception {
    RoleProcess proxy = proxy(0, 0, Http.freePorts(1));
    int api = proxy.port("api");
    int sidecar = appAndSidecar(api);
    RoleProcess sc = started.last();
    CompletableFuture<Http.Response> slow =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return Http.get(sidecar, "/slow", "x-echo-delay-ms", "1500");
              } catch (Exception e) {
                throw new RuntimeException(e);
              }
            });
    TestWait.until(
        () -> served(sidecar, "/probe").equals("200 the-app-pod") && !slow.isDone(),
        5_000,
        "the slow request to be in flight");
    sc.signal("TERM");
    Http.Response r = slow.get();
    assertEquals(200, r.status(), "the in-flight request finished during shutdown");
    assertEquals("Request served by the-app-pod", r.firstLine());
    assertEquals(0, sc.awaitExit(20_000));
    proxy.signal("TERM");
    assertEquals(0, proxy.awaitExit(20_000));
  }
}

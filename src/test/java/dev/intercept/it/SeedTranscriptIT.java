package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.TestTokens;
import dev.intercept.TestWait;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seed demo end to end, every role a real process from the built jar on loopback ports: two
 * developers intercept the same app with their own matches; Ctrl-C gives one's traffic back to the
 * pod and leaves the other undisturbed.
 */
class SeedTranscriptIT {
  private final Roles started = new Roles();
  private int api;
  private int sidecar;
  private int alicePort;
  private int bobPort;
  private TestTokens tokens;

  @BeforeEach
  void cluster() throws Exception {
    tokens = TestTokens.create();
    List<String> proxyArgs =
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
                Http.freePorts(4),
                "--forward-bind-host",
                "127.0.0.1"));
    proxyArgs.addAll(tokens.proxyArgs());
    RoleProcess proxy = started.start("proxy", Map.of(), proxyArgs.toArray(String[]::new));
    RoleProcess pod = started.echo("pod", "the-app-pod");
    RoleProcess alice = started.echo("alice-laptop", "container_on_laptop");
    RoleProcess bob = started.echo("bob-laptop", "bobs_laptop");
    api = proxy.port("api");
    int podPort = pod.port("http");
    alicePort = alice.port("http");
    bobPort = bob.port("http");
    // the first proxy URL is dead: the sidecar moves on to the next
    RoleProcess sc =
        started.start(
            "sidecar",
            Map.of(
                "APPNAME",
                "myapp",
                "APPPORT",
                Integer.toString(podPort),
                "INTERCEPT_TOKEN",
                tokens.of("sidecar")),
            "--role=sidecar",
            "--listen-host",
            "127.0.0.1",
            "--listen-port",
            "0",
            "--proxy-url",
            "http://127.0.0.1:" + Http.freePorts(1) + ",http://127.0.0.1:" + api);
    sidecar = sc.port("http");
    sc.awaitLine("connected to the proxy", 30_000);
  }

  @AfterEach
  void stopAll() {
    started.close();
  }

  /** A client as {@code user} (its token given with --token). */
  RoleProcess client(String user, String label, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--role=client", "intercept"));
    all.addAll(List.of(args));
    all.addAll(List.of("--proxy-url", "http://127.0.0.1:" + api, "--token", tokens.of(user)));
    return started.start(label, Map.of(), all.toArray(String[]::new));
  }

  /**
   * The first line of the answer, once it is the expected one (the route table propagates in ms).
   */
  Http.Response awaitServedBy(String who, String path, String... headers) {
    Http.Response[] last = new Http.Response[1];
    TestWait.until(
        () -> {
          try {
            last[0] = Http.get(sidecar, path, headers);
            return last[0].firstLine().equals("Request served by " + who);
          } catch (IOException e) {
            return false;
          }
        },
        5_000,
        path + " " + List.of(headers) + " served by " + who);
    return last[0];
  }

  String servedBy(String path, String... headers) throws Exception {
    return Http.get(sidecar, path, headers).firstLine().replace("Request served by ", "");
  }

  @Test
  void withoutAppNameTheSidecarIsAPlainForwarder() throws Exception {
    RoleProcess pod = started.echo("pod2", "plain-pod");
    RoleProcess plain =
        started.start(
            "plain",
            Map.of("APPPORT", Integer.toString(pod.port("http"))),
            "--role=sidecar",
            "--listen-host",
            "127.0.0.1",
            "--listen-port",
            "0");
    int port = plain.port("http");
    plain.awaitLine("no APPNAME set: plain forwarder to the app, intercepts disabled", 10_000);
    assertEquals("Request served by plain-pod", Http.get(port, "/ark3").firstLine());
  }

  @Test
  void twoDevelopersInterceptTheSameAppAndCtrlCGivesTrafficBack() throws Exception {
    Http.Response pod = Http.get(sidecar, "/foo/bar");
    assertEquals(200, pod.status());
    assertEquals("Request served by the-app-pod", pod.firstLine());
    assertTrue(pod.body().contains("HTTP/1.1 GET /foo/bar"), pod.body());
    assertTrue(pod.body().contains("Host: the-app\n"), "the original Host is kept: " + pod.body());
    assertTrue(pod.body().contains("X-Forwarded-Proto: http\n"), pod.body());
    assertTrue(pod.body().matches("(?s).*X-Request-Id: [0-9a-f-]{36}\n.*"), pod.body());
    assertEquals("the-app-pod", servedBy("/ark3"));

    RoleProcess alice =
        client(
            "alice",
            "alice",
            "myapp",
            "-m",
            ":path",
            ".*ark3.*",
            "--name",
            "test",
            "-p",
            Integer.toString(alicePort));
    alice.awaitLine("^T: Intercept is running", 30_000);
    assertEquals(
        List.of(
            "T: Setting up intercept session test",
            "T: Intercepting requests to myapp",
            "T: and redirecting them to localhost:" + alicePort,
            "T: when the following headers match:",
            "T:   :path: .*ark3.*",
            "T: Connecting to the Telepresence Proxy",
            "T: Intercept is running. Press Ctrl-C/Ctrl-Break to quit."),
        alice.stdout());
    Http.Response atLaptop = awaitServedBy("container_on_laptop", "/ark3");
    assertTrue(atLaptop.body().contains("Host: the-app\n"), atLaptop.body());
    assertTrue(atLaptop.body().contains("X-Request-Id: "), atLaptop.body());
    assertEquals("the-app-pod", servedBy("/foo/bar"));
    assertEquals("the-app-pod", servedBy("/ark"), "full match: /ark is not .*ark3.*");

    // a second developer, two matchers that must both hold (and no request alice's takes: an
    // overlap with another developer is refused, PolicyIT), a dead proxy URL listed first
    RoleProcess bob =
        started.start(
            "bob",
            Map.of("INTERCEPT_TOKEN", tokens.of("bob")),
            "--role=client",
            "intercept",
            "myapp",
            "-m",
            "X-Dev",
            "bob",
            "-m",
            ":path",
            "/foo/[a-z/]*",
            "--name",
            "bob",
            "-p",
            Integer.toString(bobPort),
            "--proxy-url",
            "http://127.0.0.1:" + Http.freePorts(1) + ",http://127.0.0.1:" + api);
    bob.awaitLine("^T: Intercept is running", 30_000);
    awaitServedBy("bobs_laptop", "/foo/bar", "x-dev", "bob");
    assertEquals("the-app-pod", servedBy("/foo/bar"), "without the header: the pod");
    assertEquals("the-app-pod", servedBy("/other", "x-dev", "bob"), "header alone is not enough");
    assertEquals("container_on_laptop", servedBy("/ark3"));
    assertEquals(
        "container_on_laptop", servedBy("/foo/ark3", "x-dev", "bob"), "alice's, not bob's");

    // bodies stream through the tunnel both ways
    byte[] body = new byte[1 << 20];
    new Random(7).nextBytes(body);
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) ('a' + (body[i] & 15));
    }
    Http.Response echoed = Http.send(sidecar, "POST", "/upload/ark3", body);
    assertEquals("Request served by container_on_laptop", echoed.firstLine());
    assertTrue(
        echoed.body().endsWith(new String(body, StandardCharsets.ISO_8859_1)),
        "the 1 MiB request body came back whole");

    // the name is taken by another developer: one line, non-zero exit, nothing changed
    RoleProcess thief =
        client("bob", "thief", "myapp", "-m", ":path", ".*", "--name", "test", "-p", "1");
    assertEquals(1, thief.awaitExit(30_000));
    assertEquals(
        1,
        thief.stderr().stream().filter(l -> l.startsWith("intercept: ")).count(),
        thief.stderr().toString());
    assertTrue(
        thief.stderr().get(thief.stderr().size() - 1).contains("belongs to alice"),
        thief.stderr().toString());
    assertEquals("container_on_laptop", servedBy("/ark3"));

    // Ctrl-C on the first developer
    alice.signal("INT");
    assertEquals(0, alice.awaitExit(15_000));
    List<String> tail =
        SeedSetup.sessionLines(alice.stdout().subList(7, alice.stdout().size()), "/ark3");
    assertEquals(
        List.of("T: Keyboard interrupt (Ctrl-C/Ctrl-Break) pressed", "T: Exit cleanup in progress"),
        tail);
    awaitServedBy("the-app-pod", "/ark3");
    assertEquals(
        "bobs_laptop", servedBy("/foo/bar", "x-dev", "bob"), "the other developer is undisturbed");

    bob.signal("TERM");
    assertEquals(0, bob.awaitExit(15_000));
    awaitServedBy("the-app-pod", "/foo/bar", "x-dev", "bob");
    RoleProcess list =
        started.start(
            "list",
            Map.of("INTERCEPT_TOKEN", tokens.of("alice")),
            "--role=client",
            "list",
            "--proxy-url",
            "http://127.0.0.1:" + api);
    assertEquals(0, list.awaitExit(30_000));
    assertEquals(List.of("no intercepts"), list.stdout());
  }
}

package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.TestWait;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy's SSH server against the real OpenSSH client: `ssh -N -R` with the registered key
 * carries the matched requests to the laptop; everything else an OpenSSH user can ask for is
 * refused, and the proxy logs each refusal with the intercept and the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenSshTunnelIT {
  private final Roles started = new Roles();
  private Path dir;
  private RoleProcess proxy;
  private int api;
  private int sidecar;
  private int laptop;
  private OpenSsh ssh;
  private Path aliceKey;
  private Path bobKey;
  private JsonObject alice;
  private JsonObject bob;

  @BeforeAll
  void cluster(@TempDir Path tmp) throws Exception {
    dir = tmp;
    Assumptions.assumeTrue(
        OpenSsh.installed(), "OpenSSH client " + OpenSsh.SSH + " is not installed: skipped");
    proxy =
        started.start(
            "proxy",
            Map.of(),
            "--role=proxy",
            "--listen-host",
            "127.0.0.1",
            "--api-port",
            "0",
            "--ssh-port",
            "0",
            "--forward-ports",
            Http.freePorts(3),
            "--forward-bind-host",
            "127.0.0.1",
            "--lease-seconds",
            "600",
            "--host-key-file",
            dir.resolve("host/key").toString());
    RoleProcess pod = started.echo("pod", "the-app-pod");
    RoleProcess lap = started.echo("laptop", "container_on_laptop");
    api = proxy.port("api");
    laptop = lap.port("http");
    sidecar =
        started
            .start(
                "sidecar",
                Map.of("APPNAME", "myapp", "APPPORT", Integer.toString(pod.port("http"))),
                "--role=sidecar",
                "--listen-host",
                "127.0.0.1",
                "--listen-port",
                "0",
                "--proxy-url",
                "http://127.0.0.1:" + api)
            .port("http");
    ssh = null;
    OpenSsh keygen = new OpenSsh(dir, 0, "");
    aliceKey = keygen.keygen("alice", "ed25519");
    bobKey = keygen.keygen("bob", "ecdsa");
    alice =
        ProxyApi.register(api, "myapp", "alice", ":path", ".*ark3.*", OpenSsh.publicKey(aliceKey));
    bob = ProxyApi.register(api, "myapp", "bob", "x-dev", "bob", OpenSsh.publicKey(bobKey));
    ssh = new OpenSsh(dir, alice.getInteger("sshPort"), alice.getString("hostKey"));
  }

  @AfterAll
  void stopAll() {
    started.close();
  }

  String aliceAt() {
    return alice.getString("sshUser") + "@127.0.0.1";
  }

  String servedBy(String path) throws Exception {
    return Http.get(sidecar, path).firstLine().replace("Request served by ", "");
  }

  void awaitServedBy(String who, String path) {
    TestWait.until(
        () -> {
          try {
            return servedBy(path).equals(who);
          } catch (Exception e) {
            return false;
          }
        },
        10_000,
        path + " served by " + who);
  }

  @Test
  void plainSshWithTheRegisteredKeyBringsMatchedRequestsToTheLaptop() throws Exception {
    int port = alice.getInteger("port");
    Process tunnel =
        ssh.command(aliceKey, "-N", "-R", port + ":127.0.0.1:" + laptop, aliceAt()).start();
    try {
      awaitServedBy("container_on_laptop", "/ark3");
      assertEquals("the-app-pod", servedBy("/foo/bar"));
      assertEquals(
          "127.0.0.1",
          ProxyApi.find(api, "myapp", "alice").getJsonObject("tunnel").getString("host"));
      proxy.awaitLogLine("tunnel of intercept myapp/alice is up: port " + port, 5_000);
    } finally {
      tunnel.destroy();
    }
    // ssh gone: the route leaves the table, the pod serves again (fail open)
    awaitServedBy("the-app-pod", "/ark3");
  }

  @Test
  void theClientWithTheUsersOwnKeyPrintsThePlainSshCommandThatWorks() throws Exception {
    Path carol = ssh.keygen("carol", "ed25519");
    RoleProcess client =
        started.start(
            "carol",
            Map.of(),
            "--role=client",
            "intercept",
            "myapp",
            "-m",
            ":path",
            "/carol",
            "--name",
            "carol",
            "-p",
            Integer.toString(laptop),
            "--ssh-key",
            carol + ".pub",
            "--proxy-url",
            "http://127.0.0.1:" + api);
    String command = client.awaitLine("^T:   (ssh -N -R .*)$", 30_000).group(1);
    client.awaitLine("^T: Intercept is running", 10_000);
    assertEquals("the-app-pod", servedBy("/carol"), "no route before the user's ssh is up");
    // the printed command, plus this test's known_hosts and batch options
    String[] words = command.split(" ");
    Process tunnel = ssh.command(carol, Arrays.copyOfRange(words, 1, words.length)).start();
    try {
      awaitServedBy("container_on_laptop", "/carol");
    } finally {
      tunnel.destroy();
      client.signal("INT");
      assertEquals(0, client.awaitExit(20_000));
    }
    assertEquals(null, ProxyApi.find(api, "myapp", "carol"), "removed at Ctrl-C");
  }

  @Test
  void shellExecSftpAgentAndX11AreRefused() throws Exception {
    OpenSsh.Result exec = ssh.run(aliceKey, aliceAt(), "true");
    assertNotEquals(0, exec.exit(), exec.output());
    proxy.awaitLogLine("refused session channel for intercept myapp/alice: no shell, exec", 5_000);
    OpenSsh.Result shell = ssh.run(aliceKey, "-T", aliceAt());
    assertNotEquals(0, shell.exit(), shell.output());
    OpenSsh.Result sftp = ssh.run(aliceKey, "-s", aliceAt(), "sftp");
    assertNotEquals(0, sftp.exit(), sftp.output());
    OpenSsh.Result agentX11 = ssh.run(aliceKey, "-A", "-X", aliceAt(), "true");
    assertNotEquals(0, agentX11.exit(), agentX11.output());
    assertEquals(
        4,
        count("refused session channel for intercept myapp/alice"),
        "one refusal logged per attempt");
  }

  @Test
  void localAndDynamicForwardingAreRefused() throws Exception {
    OpenSsh.Result w = ssh.run(aliceKey, "-W", "127.0.0.1:" + api, aliceAt());
    assertNotEquals(0, w.exit(), w.output());
    proxy.awaitLogLine(
        "refused direct-tcpip channel for intercept myapp/alice: no local forwarding", 5_000);
    // -L: ssh listens locally, but the proxy refuses every channel: a connection gets no byte of
    // the API
    int local = Integer.parseInt(Http.freePorts(1));
    Process l = ssh.command(aliceKey, "-N", "-L", local + ":127.0.0.1:" + api, aliceAt()).start();
    try {
      TestWait.until(() -> connects(local), 10_000, "ssh -L to listen");
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", local), 5_000);
        s.setSoTimeout(10_000);
        s.getOutputStream()
            .write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(
            -1,
            firstByte(s.getInputStream()),
            "the forwarded connection is closed without an answer");
      }
    } finally {
      l.destroy();
    }
    TestWait.until(
        () -> count("refused direct-tcpip channel for intercept myapp/alice") >= 2,
        5_000,
        "the -L channel refusal to be logged");
  }

  @Test
  void onlyTheInterceptsOwnPortMayBeForwarded() throws Exception {
    int other = Integer.parseInt(Http.freePorts(1));
    OpenSsh.Result r = ssh.run(aliceKey, "-N", "-R", other + ":127.0.0.1:" + laptop, aliceAt());
    assertNotEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("remote port forwarding failed"), r.output());
    proxy.awaitLogLine(
        "refused tcpip-forward of port "
            + other
            + " for intercept myapp/alice: it may only forward"
            + " its own port "
            + alice.getInteger("port"),
        5_000);
    // bob's session may not take alice's port
    OpenSsh.Result steal =
        ssh.run(
            bobKey,
            "-N",
            "-R",
            alice.getInteger("port") + ":127.0.0.1:" + laptop,
            bob.getString("sshUser") + "@127.0.0.1");
    assertNotEquals(0, steal.exit(), steal.output());
    proxy.awaitLogLine(
        "refused tcpip-forward of port " + alice.getInteger("port") + " for intercept myapp/bob",
        5_000);
    OpenSsh.Result socket =
        ssh.run(aliceKey, "-N", "-R", dir.resolve("sock") + ":127.0.0.1:" + laptop, aliceAt());
    assertNotEquals(0, socket.exit(), socket.output());
    proxy.awaitLogLine(
        "refused global request streamlocal-forward@openssh.com for intercept myapp/alice", 5_000);
    assertEquals(
        null, ProxyApi.find(api, "myapp", "alice").getValue("tunnel"), "no tunnel came up");
  }

  @Test
  void aWrongKeyOrAnotherInterceptsKeyCannotLogIn() throws Exception {
    Path stranger = ssh.keygen("stranger", "ed25519");
    String forward = alice.getInteger("port") + ":127.0.0.1:" + laptop;
    OpenSsh.Result wrong = ssh.run(stranger, "-N", "-R", forward, aliceAt());
    assertEquals(255, wrong.exit(), wrong.output());
    assertTrue(wrong.output().contains("Permission denied"), wrong.output());
    proxy.awaitLogLine(
        "SSH login refused for intercept myapp/alice: key .* is not the registered one", 5_000);
    OpenSsh.Result bobAsAlice = ssh.run(bobKey, "-N", "-R", forward, aliceAt());
    assertEquals(255, bobAsAlice.exit(), bobAsAlice.output());
    assertTrue(bobAsAlice.output().contains("Permission denied"), bobAsAlice.output());
    OpenSsh.Result nobody = ssh.run(aliceKey, "-N", "-R", forward, "ghost.myapp@127.0.0.1");
    assertEquals(255, nobody.exit(), nobody.output());
    proxy.awaitLogLine("SSH login refused for user ghost.myapp: no such intercept", 5_000);
    assertEquals(null, ProxyApi.find(api, "myapp", "alice").getValue("tunnel"));
  }

  @Test
  void theHostKeyIsStableAndPinned() throws Exception {
    Path file = dir.resolve("host/key");
    assertTrue(Files.isRegularFile(file), "generated once at " + file);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    // a client that expects another host key refuses to talk
    OpenSsh other =
        new OpenSsh(
            Files.createDirectories(dir.resolve("other")),
            alice.getInteger("sshPort"),
            OpenSsh.publicKey(bobKey));
    OpenSsh.Result r =
        other.run(
            aliceKey, "-N", "-R", alice.getInteger("port") + ":127.0.0.1:" + laptop, aliceAt());
    assertEquals(255, r.exit(), r.output());
    assertTrue(r.output().contains("Host key verification failed"), r.output());
  }

  /** The first byte read, or -1 at end of stream or on a reset: either way, no answer. */
  private static int firstByte(InputStream in) {
    try {
      return in.read();
    } catch (IOException e) {
      return -1;
    }
  }

  private boolean connects(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private long count(String text) {
    return proxy.stderr().stream().filter(line -> line.contains(text)).count();
  }
}

package dev.intercept.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.ProxyFixture;
import dev.intercept.TestWait;
import dev.intercept.config.ConfigKey;
import dev.intercept.echo.EchoServer;
import dev.intercept.it.Http;
import dev.intercept.it.ProxyApi;
import dev.intercept.proxy.ProxyRole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy's SSH server (a real proxy in this JVM) against the sshd-core client the CLI uses:
 * forwarding, Ed25519 keys, refusals, reconnect after the server drops the session, and a dead peer
 * detected on both ends by keepalives.
 */
class TunnelServerTest {
  private static final Keepalive FAST = new Keepalive(Duration.ofMillis(500), 2);
  private ProxyFixture fixture;
  private Vertx vertx;
  private ProxyRole.Running proxy;
  private int laptop;
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    fixture =
        ProxyFixture.start(
            Map.of(
                ConfigKey.FORWARD_PORTS, Http.freePorts(3),
                ConfigKey.SSH_KEEPALIVE_SECONDS, 1,
                ConfigKey.SSH_KEEPALIVE_MAX_MISSED, 2));
    proxy = fixture.running();
    vertx = fixture.vertx();
    EchoServer echo = new EchoServer("127.0.0.1", 0, "container_on_laptop");
    get(vertx.deployVerticle(echo));
    laptop = echo.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    fixture.close();
  }

  static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  JsonObject register(String name, KeyPair keys) throws Exception {
    return ProxyApi.register(
        proxy.apiPort(),
        fixture.token("alice"),
        fixture.token("sidecar"),
        "myapp",
        name,
        ":path",
        "/" + name,
        TunnelKeys.toOpenSsh(keys.getPublic()));
  }

  TunnelClient tunnel(JsonObject reg, KeyPair keys, int sshPort, int remotePort) {
    return tunnel(reg, keys, sshPort, remotePort, FAST);
  }

  TunnelClient tunnel(
      JsonObject reg, KeyPair keys, int sshPort, int remotePort, Keepalive keepalive) {
    TunnelClient.Spec spec =
        new TunnelClient.Spec(
            "127.0.0.1",
            sshPort,
            reg.getString("sshUser"),
            reg.getString("hostKey"),
            remotePort,
            "127.0.0.1",
            laptop);
    TunnelClient t =
        new TunnelClient(
            TunnelSshClient.start(),
            spec,
            keys,
            keepalive,
            new TunnelClient.Listener() {
              @Override
              public void up(String detail) {
                events.add("up");
              }

              @Override
              public void down(String reason) {
                events.add("down");
              }
            });
    closing.add(t);
    return t;
  }

  boolean tunnelUp(String name) {
    try {
      return ProxyApi.find(proxy.apiPort(), fixture.token("alice"), "myapp", name)
              .getValue("tunnel")
          != null;
    } catch (Exception e) {
      return false;
    }
  }

  String servedBy(int port) throws Exception {
    return Http.get(port, "/").firstLine();
  }

  @Test
  void anEd25519KeyTunnelsAndTheTunnelComesBackAfterTheServerDropsIt() throws Exception {
    KeyPair keys = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    JsonObject reg = register("a", keys);
    int port = reg.getInteger("port");
    TunnelClient t = tunnel(reg, keys, proxy.sshPort(), port);
    t.start().get(20, TimeUnit.SECONDS);
    assertEquals("Request served by container_on_laptop", servedBy(port));
    assertTrue(tunnelUp("a"));
    // the proxy drops the session (as when a replica restarts): the client binds the same port
    // again
    proxy.ssh().closeSessions("myapp", "a");
    TestWait.until(() -> events.contains("down"), 10_000, "the client to notice");
    TestWait.until(() -> t.isUp() && tunnelUp("a"), 10_000, "the tunnel to be back");
    assertEquals(List.of("up", "down", "up"), events);
    assertEquals("Request served by container_on_laptop", servedBy(port));
  }

  /** A tunnel up through a relay that the test can turn into a black hole. */
  TunnelClient throughRelay(Keepalive keepalive, BlackholeRelay[] relay) throws Exception {
    KeyPair keys = TunnelKeys.generate();
    JsonObject reg = register("a", keys);
    relay[0] = new BlackholeRelay(proxy.sshPort());
    closing.add(relay[0]);
    TunnelClient t = tunnel(reg, keys, relay[0].port(), reg.getInteger("port"), keepalive);
    t.start().get(20, TimeUnit.SECONDS);
    assertTrue(tunnelUp("a"));
    return t;
  }

  @Test
  void theProxyDetectsADeadClientWithinItsKeepaliveBudgetAndDropsTheRoute() throws Exception {
    BlackholeRelay[] relay = new BlackholeRelay[1];
    // a client that would notice only after minutes: the proxy must notice on its own
    throughRelay(new Keepalive(Duration.ofMinutes(1), 3), relay);
    long silentAt = System.nanoTime();
    relay[0].blackholeCurrent();
    // proxy budget: 1 s x (2 missed + 1) = 3 s, plus slack for a busy machine
    TestWait.until(
        () -> !tunnelUp("a"), 8_000, "the proxy to declare the client dead and drop the route");
    long ms = (System.nanoTime() - silentAt) / 1_000_000;
    assertTrue(ms >= 1_500, "not before two keepalives went unanswered: " + ms + " ms");
    assertEquals(List.of("up"), events, "the client did not see anything");
  }

  @Test
  void theClientDetectsADeadProxyAndReconnects() throws Exception {
    BlackholeRelay[] relay = new BlackholeRelay[1];
    TunnelClient t = throughRelay(FAST, relay);
    relay[0].blackholeCurrent();
    // client budget: 0.5 s x (2 missed + 1) = 1.5 s, before the proxy's 3 s
    TestWait.until(() -> events.contains("down"), 5_000, "the client to declare the proxy dead");
    TestWait.until(
        () -> t.isUp() && tunnelUp("a") && events.size() == 3, 10_000, "the tunnel to be back");
    int port =
        ProxyApi.find(proxy.apiPort(), fixture.token("alice"), "myapp", "a").getInteger("port");
    assertEquals("Request served by container_on_laptop", servedBy(port));
  }

  @Test
  void theSshdClientIsRefusedEverythingButItsOwnForward() throws Exception {
    KeyPair alice = TunnelKeys.generate();
    KeyPair bob = TunnelKeys.generate();
    JsonObject a = register("alice", alice);
    JsonObject b = register("bob", bob);
    // another intercept's port, with a valid login
    TunnelClient steal = tunnel(b, bob, proxy.sshPort(), a.getInteger("port"));
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> steal.start().get(20, TimeUnit.SECONDS));
    assertTrue(
        e.getCause().getMessage().contains("refused to forward port " + a.getInteger("port")),
        e.getMessage());
    // a wrong key, and bob's key for alice
    assertThrows(
        ExecutionException.class,
        () ->
            tunnel(a, TunnelKeys.generate(), proxy.sshPort(), a.getInteger("port"))
                .start()
                .get(20, TimeUnit.SECONDS));
    assertThrows(
        ExecutionException.class,
        () ->
            tunnel(a, bob, proxy.sshPort(), a.getInteger("port"))
                .start()
                .get(20, TimeUnit.SECONDS));
    assertNull(
        ProxyApi.find(proxy.apiPort(), fixture.token("alice"), "myapp", "alice")
            .getValue("tunnel"));

    // logged in as alice: no exec, shell, sftp, local forward
    SshClient client = TunnelSshClient.start();
    closing.add(client::stop);
    try (ClientSession s =
        client
            .connect(a.getString("sshUser"), "127.0.0.1", proxy.sshPort())
            .verify(Duration.ofSeconds(10))
            .getSession()) {
      s.addPublicKeyIdentity(alice);
      s.auth().verify(Duration.ofSeconds(10));
      assertThrows(
          Exception.class, () -> s.createExecChannel("true").open().verify(Duration.ofSeconds(10)));
      assertThrows(
          Exception.class, () -> s.createShellChannel().open().verify(Duration.ofSeconds(10)));
      assertThrows(
          Exception.class,
          () -> s.createSubsystemChannel("sftp").open().verify(Duration.ofSeconds(10)));
      var local =
          s.startLocalPortForwarding(
              new SshdSocketAddress("127.0.0.1", 0),
              new SshdSocketAddress("127.0.0.1", proxy.apiPort()));
      try (Socket sock = new Socket()) {
        sock.connect(new InetSocketAddress("127.0.0.1", local.getPort()), 5_000);
        sock.setSoTimeout(10_000);
        sock.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        assertEquals(
            -1, firstByte(sock), "the direct-tcpip channel is refused: no answer from the API");
      }
      // still usable for what it is for
      assertNotNull(
          s.startRemotePortForwarding(
              new SshdSocketAddress("0.0.0.0", a.getInteger("port")),
              new SshdSocketAddress("127.0.0.1", laptop)));
      assertEquals("Request served by container_on_laptop", servedBy(a.getInteger("port")));
    }
  }

  private static int firstByte(Socket s) {
    try {
      return s.getInputStream().read();
    } catch (IOException e) {
      return -1;
    }
  }
}

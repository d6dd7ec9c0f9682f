package dev.intercept.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.ProxyFixture;
import dev.intercept.TestWait;
import dev.intercept.config.ConfigKey;
import dev.intercept.echo.EchoServer;
import dev.intercept.it.Http;
import dev.intercept.it.ProxyApi;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientSession.ClientSessionEvent;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SSH server's limits on connections that carry no tunnel (a real proxy in this JVM): raw
 * sockets that never speak SSH, sshd-core sessions that never log in or never forward, beside a
 * real tunnel that must not notice any of it.
 */
class SessionLimitsTest {
  private static final Keepalive FAST = new Keepalive(Duration.ofMillis(500), 2);
  private ProxyFixture fixture;
  private int laptop;
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();

  void start(int maxUnauthenticated, int graceSeconds, int idleSeconds) throws Exception {
    fixture =
        ProxyFixture.start(
            Map.of(
                ConfigKey.SSH_MAX_UNAUTHENTICATED, maxUnauthenticated,
                ConfigKey.SSH_LOGIN_GRACE_SECONDS, graceSeconds,
                ConfigKey.SSH_IDLE_SECONDS, idleSeconds));
    EchoServer echo = new EchoServer("127.0.0.1", 0, "container_on_laptop");
    ProxyFixture.await(fixture.vertx().deployVerticle(echo));
    laptop = echo.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void connectionsBeyondTheUnauthenticatedCapAreClosedAtOnce() throws Exception {
    start(3, 60, 60);
    KeyPair keys = TunnelKeys.generate();
    JsonObject reg = register("a", keys);
    List<Socket> waiting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Socket s = connect();
      assertTrue(identification(s).startsWith("SSH-2.0-"), "connection " + i + " is greeted");
      waiting.add(s);
    }
    long t0 = System.nanoTime();
    Socket fourth = connect();
    assertEquals("", identification(fourth), "the fourth is closed without a word");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 2_000, "closed at once, not after a timeout: " + ms + " ms");

    // a closed one frees its place
    waiting.remove(0).close();
    TestWait.until(() -> greeted(waiting), 5_000, "a new connection to be greeted again");
    // a tunnel needs a place only until it has logged in
    waiting.remove(0).close();
    TunnelClient t = tunnel(reg, keys);
    t.start().get(20, TimeUnit.SECONDS);
    TestWait.until(() -> greeted(waiting), 5_000, "the tunnel's place to be free again");
    assertEquals("", identification(connect()), "three unauthenticated again: full");
    assertEquals("Request served by container_on_laptop", servedBy(reg.getInteger("port")));
    assertEquals(List.of("up"), events);
  }

  @Test
  void aConnectionThatDoesNotLogInIsClosedAfterTheGraceTime() throws Exception {
    start(32, 1, 60);
    long t0 = System.nanoTime();
    Socket silent = connect();
    assertTrue(identification(silent).startsWith("SSH-2.0-"));
    readToEnd(silent);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 1_000 && ms < 5_000, "a silent socket closed after the grace: " + ms + " ms");

    // one that speaks SSH (key exchange done) but never authenticates
    SshClient client = TunnelSshClient.start();
    closing.add(client::stop);
    long t1 = System.nanoTime();
    ClientSession s =
        client
            .connect("nobody.myapp", "127.0.0.1", fixture.sshPort())
            .verify(Duration.ofSeconds(10))
            .getSession();
    closing.add(s);
    var seen = s.waitFor(EnumSet.of(ClientSessionEvent.CLOSED), Duration.ofSeconds(5));
    ms = (System.nanoTime() - t1) / 1_000_000;
    assertTrue(seen.contains(ClientSessionEvent.CLOSED), "closed: " + seen);
    assertTrue(ms >= 1_000, "not before the grace: " + ms + " ms");

    // one that asks for the ssh-userauth service again and again: SSHD's own AUTH_TIMEOUT starts
    // over at each request (measured: such a session outlived a 2 s AUTH_TIMEOUT by far), ours not
    ClientSession poking =
        client
            .connect("nobody.myapp", "127.0.0.1", fixture.sshPort())
            .verify(Duration.ofSeconds(10))
            .getSession();
    closing.add(poking);
    long t2 = System.nanoTime();
    while (poking.isOpen() && System.nanoTime() - t2 < 5_000_000_000L) {
      Buffer b = poking.createBuffer(SshConstants.SSH_MSG_SERVICE_REQUEST);
      b.putString("ssh-userauth");
      try {
        poking.writePacket(b);
      } catch (IOException e) {
        break;
      }
      poking.waitFor(EnumSet.of(ClientSessionEvent.CLOSED), Duration.ofMillis(200));
    }
    ms = (System.nanoTime() - t2) / 1_000_000;
    assertFalse(poking.isOpen(), "still open after " + ms + " ms");
    assertTrue(ms < 4_000, "closed after the grace, not later: " + ms + " ms");
  }

  @Test
  void aSessionWithoutAForwardIsClosedAfterTheIdleTimeOneWithAForwardStays() throws Exception {
    start(32, 10, 1);
    KeyPair keys = TunnelKeys.generate();
    JsonObject reg = register("a", keys);
    int port = reg.getInteger("port");
    TunnelClient t = tunnel(reg, keys);
    t.start().get(20, TimeUnit.SECONDS);

    // the same intercept's key, logged in, asking for nothing
    SshClient client = TunnelSshClient.start();
    closing.add(client::stop);
    ClientSession idle =
        client
            .connect(reg.getString("sshUser"), "127.0.0.1", fixture.sshPort())
            .verify(Duration.ofSeconds(10))
            .getSession();
    closing.add(idle);
    idle.addPublicKeyIdentity(keys);
    idle.auth().verify(Duration.ofSeconds(10));
    long t0 = System.nanoTime();
    var seen = idle.waitFor(EnumSet.of(ClientSessionEvent.CLOSED), Duration.ofSeconds(5));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(seen.contains(ClientSessionEvent.CLOSED), "the idle session is closed: " + seen);
    assertTrue(ms >= 900, "not before the idle time: " + ms + " ms");
    // the tunnel, older than that, is untouched
    assertTrue(t.isUp() && tunnelUp("a"));
    assertEquals(List.of("up"), events);
    assertEquals("Request served by container_on_laptop", servedBy(port));

    // --fail-open-local withdraws the forward: the proxy closes the session, quietly, and the
    // client opens a new one only when the forward is wanted again
    t.forwarding(false);
    TestWait.until(() -> !tunnelUp("a"), 5_000, "the route to drop");
    TestWait.until(() -> !t.isUp(), 5_000, "the proxy to close the forwardless session");
    assertFalse(tunnelUp("a"), "not forwarded again behind the user's back");
    assertEquals(List.of("up"), events, "no 'down': nothing the user wanted was lost");
    t.forwarding(true);
    TestWait.until(() -> t.isUp() && tunnelUp("a"), 10_000, "the forward to be back");
    assertEquals("Request served by container_on_laptop", servedBy(port));
  }

  JsonObject register(String name, KeyPair keys) throws Exception {
    return ProxyApi.register(
        fixture.apiPort(),
        fixture.token("alice"),
        fixture.token("sidecar"),
        "myapp",
        name,
        ":path",
        "/" + name,
        TunnelKeys.toOpenSsh(keys.getPublic()));
  }

  TunnelClient tunnel(JsonObject reg, KeyPair keys) {
    TunnelClient.Spec spec =
        new TunnelClient.Spec(
            "127.0.0.1",
            fixture.sshPort(),
            reg.getString("sshUser"),
            reg.getString("hostKey"),
            reg.getInteger("port"),
            "127.0.0.1",
            laptop);
    TunnelClient t =
        new TunnelClient(
            TunnelSshClient.start(),
            spec,
            keys,
            FAST,
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
      return ProxyApi.find(fixture.apiPort(), fixture.token("alice"), "myapp", name)
              .getValue("tunnel")
          != null;
    } catch (Exception e) {
      return false;
    }
  }

  String servedBy(int port) throws Exception {
    return Http.get(port, "/").firstLine();
  }

  Socket connect() throws IOException {
    Socket s = new Socket();
    closing.add(s);
    s.connect(new InetSocketAddress("127.0.0.1", fixture.sshPort()), 5_000);
    s.setSoTimeout(10_000);
    return s;
  }

  /** A new connection that the server greets stays open (in {@code held}); true if greeted. */
  boolean greeted(List<Socket> held) {
    try {
      Socket s = connect();
      if (identification(s).startsWith("SSH-2.0-")) {
        held.add(s);
        return true;
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /** The server's identification line; "" if it closed the connection first. */
  static String identification(Socket s) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    try {
      for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
        line.write(b);
      }
    } catch (SocketTimeoutException e) {
      throw e;
    } catch (IOException e) {
      // reset by the server: closed as well
    }
    return line.toString(StandardCharsets.US_ASCII).strip();
  }

  static void readToEnd(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    try {
      while (in.read() >= 0) {
        // the server's key exchange init, then the end
      }
    } catch (SocketTimeoutException e) {
      throw e;
    } catch (IOException e) {
      // reset: the end as well
    }
  }
}

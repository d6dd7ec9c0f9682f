package dev.intercept.tunnel.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.intercept.TestWait;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real Apache SSHD server and client, both on {@link NettyIoFactory}, over loopback: a remote
 * forward (ssh -R) and a local one (ssh -L) to a real echo server, many connections at once, large
 * transfers both ways, half-close, and what closes when the session or the ends stop.
 */
class NettyIoFactoryTest {
  private static final String PASSWORD = "test-only-password";
  private final List<AutoCloseable> open = new ArrayList<>();
  private EchoServer echo;
  private SshServer server;
  private SshClient client;

  private ClientSession connect(boolean epoll) throws Exception {
    echo = new EchoServer();
    open.add(echo);
    server = SshServer.setUpDefaultServer();
    server.setIoServiceFactoryFactory(NettyIoFactory.of(2, epoll));
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider());
    server.setPasswordAuthenticator((user, password, s) -> PASSWORD.equals(password));
    server.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE);
    CoreModuleProperties.TCP_NODELAY.set(server, true);
    server.start();
    client = SshClient.setUpDefaultClient();
    client.setIoServiceFactoryFactory(NettyIoFactory.of(1, epoll));
    client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
    client.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE);
    client.start();
    ClientSession s =
        client
            .connect("tester", "127.0.0.1", server.getPort())
            .verify(Duration.ofSeconds(20))
            .getSession();
    s.addPasswordIdentity(PASSWORD);
    s.auth().verify(Duration.ofSeconds(20));
    return s;
  }

  private int remoteForward(ClientSession s) throws IOException {
    return s.startRemotePortForwarding(
            new SshdSocketAddress("127.0.0.1", 0), new SshdSocketAddress("127.0.0.1", echo.port()))
        .getPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.stop();
    }
    if (server != null) {
      server.stop(true);
    }
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  /**
   * Sends {@code data} while reading its echo, then closes. (SSHD's transports close a socket whose
   * peer half-closes, so the echo is read before closing.)
   */
  private static byte[] roundTrip(int port, byte[] data) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(30_000);
      Thread writer = writer(s.getOutputStream(), data);
      byte[] got = s.getInputStream().readNBytes(data.length);
      writer.join(30_000);
      return got;
    }
  }

  private static Thread writer(OutputStream out, byte[] data) {
    Thread t =
        new Thread(
            () -> {
              try {
                for (int off = 0; off < data.length; off += 1 << 20) {
                  out.write(data, off, Math.min(1 << 20, data.length - off));
                }
                out.flush();
              } catch (IOException e) {
                // the reader then gets less than it expects, and says so
              }
            });
    t.start();
    return t;
  }

  @ParameterizedTest(name = "epoll={0}")
  @ValueSource(booleans = {true, false})
  void manyConcurrentConnectionsThroughARemoteForwardEachGetTheirOwnBytesBack(boolean epoll)
      throws Exception {
    ClientSession s = connect(epoll);
    int port = remoteForward(s);
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        int seed = i;
        all.add(
            pool.submit(
                () -> {
                  byte[] data = new byte[1 + new Random(seed).nextInt(40_000)];
                  new Random(seed).nextBytes(data);
                  assertArrayEquals(data, roundTrip(port, data), "connection " + seed);
                  return null;
                }));
      }
      for (Future<?> f : all) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    TestWait.until(() -> echo.served.get() == 400, 10_000, "the echo server saw 400 closes");
    // every forwarded connection closed on both ends: only the SSH session is left
    TestWait.until(
        () -> server.getActiveSessions().size() == 1 && managed(server) == 1,
        10_000,
        "the server's forwarded connections closed");
    TestWait.until(
        () -> ((NettyIoFactory) client.getIoServiceFactory()).sessionCount() == 1,
        10_000,
        "the client's connections to the echo server closed");
  }

  /** Sockets open in the server's transport: the SSH connection and forwarded connections. */
  private static int managed(SshServer server) {
    return ((NettyIoFactory) server.getIoServiceFactory()).sessionCount();
  }

  @Test
  void sixtyFourMebibytesGoBothWaysThroughOneForwardedConnection() throws Exception {
    ClientSession s = connect(true);
    int port = remoteForward(s);
    byte[] data = new byte[64 << 20];
    new Random(7).nextBytes(data);
    try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port)) {
      c.setSoTimeout(60_000);
      Thread w = writer(c.getOutputStream(), data);
      MessageDigest got = MessageDigest.getInstance("SHA-256");
      InputStream in = c.getInputStream();
      byte[] b = new byte[1 << 16];
      long n = 0;
      while (n < data.length) {
        int r = in.read(b, 0, (int) Math.min(b.length, data.length - n));
        if (r < 0) {
          break;
        }
        got.update(b, 0, r);
        n += r;
      }
      w.join(60_000);
      assertEquals(data.length, n);
      assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), got.digest());
    }
  }

  @Test
  void aLocalForwardCarriesBytesThroughTheServersConnectorAndTheClientsAcceptor() throws Exception {
    ClientSession s = connect(true);
    SshdSocketAddress bound =
        s.startLocalPortForwarding(
            new SshdSocketAddress("127.0.0.1", 0), new SshdSocketAddress("127.0.0.1", echo.port()));
    byte[] data = new byte[300_000];
    new Random(3).nextBytes(data);
    assertArrayEquals(data, roundTrip(bound.getPort(), data));
  }

  @Test
  void closingTheSessionClosesItsForwardAndStoppingBothEndsEndsTheirLoops() throws Exception {
    ClientSession s = connect(true);
    int port = remoteForward(s);
    assertArrayEquals(new byte[] {1, 2, 3}, roundTrip(port, new byte[] {1, 2, 3}));
    // a connection held open while the session closes is closed with it
    Socket held = new Socket(InetAddress.getLoopbackAddress(), port);
    open.add(held);
    held.setSoTimeout(20_000);
    held.getOutputStream().write(9);
    assertEquals(9, held.getInputStream().read());
    s.close(false).await(Duration.ofSeconds(10));
    assertEquals(-1, held.getInputStream().read());
    TestWait.until(() -> server.getActiveSessions().isEmpty(), 10_000, "the server saw the close");
    assertInstanceOf(
        ConnectException.class,
        assertThrows(IOException.class, () -> roundTrip(port, new byte[1])));
    client.stop();
    server.stop(true);
    TestWait.until(
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("intercept-ssh")),
        10_000,
        "the transport's event loops ended");
  }
}

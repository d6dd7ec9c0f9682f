package dev.intercept.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.ProxyFixture;
import dev.intercept.config.ConfigKey;
import dev.intercept.it.Http;
import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.InterceptRequest;
import dev.intercept.protocol.ListedIntercept;
import dev.intercept.protocol.Matcher;
import dev.intercept.protocol.Registration;
import dev.intercept.protocol.RouteTable;
import dev.intercept.tunnel.TunnelKeys;
import io.vertx.core.Future;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one API client against a real proxy: typed answers, typed failures, URL failover. */
class ProxyApiClientTest {
  private static final String KEY = TunnelKeys.toOpenSsh(TunnelKeys.generate().getPublic());
  private ProxyFixture proxy;
  private ProxyApiClient api;

  @BeforeEach
  void start() throws Exception {
    proxy = ProxyFixture.start();
    api = client(url(proxy.apiPort()));
    ProxyFixture.await(api.routes("myapp", -1, 0)); // a sidecar of myapp polled
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
  }

  ProxyApiClient client(URI... urls) {
    return new ProxyApiClient(proxy.vertx(), List.of(urls), 1_000);
  }

  static URI url(int port) {
    return URI.create("http://127.0.0.1:" + port);
  }

  static InterceptRequest request(String owner) {
    return new InterceptRequest(List.of(Matcher.of(":path", ".*ark3.*")), KEY, owner);
  }

  static ApiFailure failure(Future<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> ProxyFixture.await(f));
    return assertInstanceOf(ApiFailure.class, e.getCause());
  }

  @Test
  void answersAreTheProtocolsRecords() throws Exception {
    Registration r = ProxyFixture.await(api.register("myapp", "test", request("me")));
    assertEquals("test.myapp", r.sshUser());
    assertEquals(proxy.sshPort(), r.sshPort());
    assertEquals(proxy.running().config().get(ConfigKey.FORWARD_PORTS).get(0), r.port());
    assertEquals(List.of(Matcher.of(":path", ".*ark3.*")), r.intercept().matchers());
    assertTrue(r.hostKey().startsWith("ecdsa-sha2-nistp256 "), r.hostKey());
    assertTrue(
        ProxyFixture.await(api.renew("myapp", "test", "me")).expiresAt()
            >= r.intercept().expiresAt());
    List<ListedIntercept> all = ProxyFixture.await(api.list(null));
    assertEquals(1, all.size());
    assertNull(all.get(0).tunnel(), "no tunnel yet");
    RouteTable t = ProxyFixture.await(api.routes("myapp", -1, 0));
    assertEquals("myapp", t.app());
    assertEquals(List.of(), t.routes(), "not routed while no tunnel is up");
    ProxyFixture.await(api.delete("myapp", "test", "me"));
    assertEquals(List.of(), ProxyFixture.await(api.list("myapp")));
  }

  @Test
  void refusalsComeBackAsTheirTypes() throws Exception {
    ProxyFixture.await(api.register("myapp", "test", request("me")));
    assertInstanceOf(
        ApiFailure.NameTaken.class, failure(api.register("myapp", "test", request("you"))));
    assertInstanceOf(ApiFailure.NotOwner.class, failure(api.renew("myapp", "test", "you")));
    assertInstanceOf(ApiFailure.NotFound.class, failure(api.renew("myapp", "other", "me")));
    assertInstanceOf(ApiFailure.NotFound.class, failure(api.register("noapp", "x", request("me"))));
    ProxyFixture.await(api.register("myapp", "second", request("me"))); // the pool has two ports
    assertInstanceOf(
        ApiFailure.NoFreePort.class, failure(api.register("myapp", "third", request("me"))));
  }

  @Test
  void aDeadUrlIsSkippedAndNoAnswerAtAllIsRefusedOrTimedOut() throws Exception {
    URI dead = url(Integer.parseInt(Http.freePorts(1)));
    ProxyApiClient failover = client(dead, url(proxy.apiPort()));
    assertEquals(List.of(), ProxyFixture.await(failover.list(null)));
    assertEquals(url(proxy.apiPort()), failover.currentUrl(), "the one that answered");

    ApiFailure refused = failure(client(dead).list(null));
    assertInstanceOf(ApiFailure.Refused.class, refused);
    assertTrue(
        refused.getMessage().startsWith("cannot reach the proxy at " + dead), refused.getMessage());

    try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                try (Socket s = silent.accept()) {
                  s.getInputStream().readAllBytes(); // reads, never answers
                } catch (Exception e) {
                  // closed by the test
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      assertInstanceOf(
          ApiFailure.TimedOut.class, failure(client(url(silent.getLocalPort())).list(null)));
    }
  }
}

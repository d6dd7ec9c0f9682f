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
import java.util.concurrent.atomic.AtomicInteger;
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
    api = client("alice", url(proxy.apiPort()));
    // a sidecar of myapp polled: intercepts of myapp may be created
    ProxyFixture.await(client("sidecar", url(proxy.apiPort())).routes("myapp", -1, 0));
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
  }

  /** A client as a test user (null: no token). */
  ProxyApiClient client(String user, URI... urls) {
    return new ProxyApiClient(
        proxy.vertx(),
        List.of(urls),
        1_000,
        user == null ? Credentials.none() : Credentials.of(proxy.token(user)));
  }

  static URI url(int port) {
    return URI.create("http://127.0.0.1:" + port);
  }

  static InterceptRequest request() {
    return new InterceptRequest(List.of(Matcher.of(":path", ".*ark3.*")), KEY);
  }

  static ApiFailure failure(Future<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> ProxyFixture.await(f));
    return assertInstanceOf(ApiFailure.class, e.getCause());
  }

  @Test
  void answersAreTheProtocolsRecords() throws Exception {
    Registration r = ProxyFixture.await(api.register("myapp", "test", request()));
    assertEquals("test.myapp", r.sshUser());
    assertEquals(proxy.sshPort(), r.sshPort());
    assertEquals(proxy.running().config().get(ConfigKey.FORWARD_PORTS).get(0), r.port());
    assertEquals(List.of(Matcher.of(":path", ".*ark3.*")), r.intercept().matchers());
    assertTrue(r.hostKey().startsWith("ecdsa-sha2-nistp256 "), r.hostKey());
    assertTrue(
        ProxyFixture.await(api.renew("myapp", "test")).expiresAt() >= r.intercept().expiresAt());
    List<ListedIntercept> all = ProxyFixture.await(api.list(null));
    assertEquals(1, all.size());
    assertNull(all.get(0).tunnel(), "no tunnel yet");
    RouteTable t =
        ProxyFixture.await(client("sidecar", url(proxy.apiPort())).routes("myapp", -1, 0));
    assertEquals("myapp", t.app());
    assertEquals(List.of(), t.routes(), "not routed while no tunnel is up");
    ProxyFixture.await(api.delete("myapp", "test"));
    assertEquals(List.of(), ProxyFixture.await(api.list("myapp")));
  }

  @Test
  void refusalsComeBackAsTheirTypes() throws Exception {
    ProxyFixture.await(api.register("myapp", "test", request()));
    ProxyApiClient bob = client("bob", url(proxy.apiPort()));
    assertInstanceOf(ApiFailure.NotOwner.class, failure(bob.register("myapp", "test", request())));
    assertInstanceOf(ApiFailure.NotOwner.class, failure(bob.renew("myapp", "test")));
    assertInstanceOf(ApiFailure.NotFound.class, failure(api.renew("myapp", "other")));
    assertInstanceOf(ApiFailure.NotFound.class, failure(api.register("noapp", "x", request())));
    assertInstanceOf(
        ApiFailure.Unauthenticated.class, failure(client(null, url(proxy.apiPort())).list(null)));
    assertInstanceOf(
        ApiFailure.Forbidden.class,
        failure(client("sidecar", url(proxy.apiPort())).register("myapp", "s", request())));
    ProxyFixture.await(api.register("myapp", "second", request())); // the pool has two ports
    assertInstanceOf(
        ApiFailure.NoFreePort.class, failure(api.register("myapp", "third", request())));
  }

  @Test
  void aRefusedTokenIsRefreshedOnceAndTheCallRetried() throws Exception {
    AtomicInteger refreshes = new AtomicInteger();
    Credentials rotating =
        new Credentials() {
          volatile String token = "expired";

          @Override
          public String token() {
            return token;
          }

          @Override
          public Future<Boolean> refresh() {
            refreshes.incrementAndGet();
            token = proxy.token("alice");
            return Future.succeededFuture(true);
          }
        };
    ProxyApiClient c =
        new ProxyApiClient(proxy.vertx(), List.of(url(proxy.apiPort())), 1_000, rotating);
    assertEquals(List.of(), ProxyFixture.await(c.list(null)));
    assertEquals(1, refreshes.get());
    assertInstanceOf(
        ApiFailure.Unauthenticated.class,
        failure(
            new ProxyApiClient(
                    proxy.vertx(), List.of(url(proxy.apiPort())), 1_000, Credentials.of("wrong"))
                .list(null)),
        "a source that cannot refresh gives up at once");
  }

  @Test
  void aDeadUrlIsSkippedAndNoAnswerAtAllIsRefusedOrTimedOut() throws Exception {
    URI dead = url(Integer.parseInt(Http.freePorts(1)));
    ProxyApiClient failover = client("alice", dead, url(proxy.apiPort()));
    assertEquals(List.of(), ProxyFixture.await(failover.list(null)));
    assertEquals(url(proxy.apiPort()), failover.currentUrl(), "the one that answered");

    ApiFailure refused = failure(client("alice", dead).list(null));
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
          ApiFailure.TimedOut.class,
          failure(client("alice", url(silent.getLocalPort())).list(null)));
    }
  }
}

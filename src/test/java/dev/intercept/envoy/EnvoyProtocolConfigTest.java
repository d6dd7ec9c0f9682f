package dev.intercept.envoy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import dev.intercept.policy.RegexBudget;
import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.Matcher;
import dev.intercept.protocol.Route;
import dev.intercept.protocol.RouteTable;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.CodecType;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Envoy column of the conformance matrix (issue 13): for each APPPROTOCOL value, the files the
 * sidecar writes — with one intercept active, parsed strictly against Envoy's v3 protos (every
 * {@code @type} registered, unknown fields rejected) — hold what each row of the matrix needs. No
 * Envoy binary can run here (docs/envoy.md), so the rows are checked on the config Envoy would
 * load; what Envoy then does with each field is in docs/envoy.md's protocol table.
 */
class EnvoyProtocolConfigTest {
  static final HostPort APP = new HostPort("127.0.0.1", 8080);
  static final HostPort LAPTOP = new HostPort("10.0.0.7", 9000);

  @TempDir Path dir;
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    EnvoyConfigWriterTest.get(vertx.close());
  }

  /** The parsed config for an app of this protocol, an intercept on :path .*ark3.* active. */
  record Written(
      String lds,
      HttpConnectionManager hcm,
      List<RouteAction> routes,
      List<Cluster> clusters,
      String protocol) {
    boolean http2() {
      return protocol.equals("kubernetes.io/h2c") || protocol.equals("grpc");
    }

    boolean grpc() {
      return protocol.equals("grpc");
    }
  }

  Written write(String protocol) throws Exception {
    EnvoyResources.Site site = new EnvoyResources.Site("0.0.0.0", 9900, APP, 15, 5, protocol);
    EnvoyConfigWriter w =
        new EnvoyConfigWriter(dir, site, "myapp", 9901, RegexBudget.ENVOY_MAX_PROGRAM_SIZE);
    EnvoyConfigWriterTest.get(vertx.deployVerticle(w));
    EnvoyConfigWriterTest.get(
        w.apply(
            new RouteTable(
                "myapp",
                2,
                List.of(new Route("test", List.of(Matcher.of(":path", ".*ark3.*")), LAPTOP)))));
    String lds = Files.readString(dir.resolve("lds.yaml"));
    HttpConnectionManager hcm = EnvoyProtos.hcm(EnvoyProtos.listener(lds));
    List<RouteAction> routes = new ArrayList<>();
    hcm.getRouteConfig().getVirtualHosts(0).getRoutesList().forEach(r -> routes.add(r.getRoute()));
    List<Cluster> clusters = EnvoyProtos.clusters(Files.readString(dir.resolve("cds.yaml")));
    assertEquals(2, routes.size(), "the intercept's route, then the app's");
    assertEquals(
        List.of("app", "tunnel-10.0.0.7-9000"), clusters.stream().map(Cluster::getName).toList());
    return new Written(lds, hcm, routes, clusters, protocol);
  }

  /** Each cluster's explicit upstream protocol: the app's and the intercept's tunnel alike. */
  static List<HttpProtocolOptions.ExplicitHttpConfig> upstreams(Written w) throws Exception {
    List<HttpProtocolOptions.ExplicitHttpConfig> out = new ArrayList<>();
    for (Cluster c : w.clusters()) {
      HttpProtocolOptions o = EnvoyProtos.upstream(c);
      assertTrue(o.hasExplicitHttpConfig(), c.getName() + " says its protocol: " + o);
      out.add(o.getExplicitHttpConfig());
    }
    return out;
  }

  static void assertHttp2Upstreams(Written w) throws Exception {
    for (HttpProtocolOptions.ExplicitHttpConfig e : upstreams(w)) {
      assertEquals(
          w.http2(),
          e.hasHttp2ProtocolOptions(),
          w.protocol() + ": HTTP/2 to the app and the laptop exactly for h2c and grpc: " + e);
      assertEquals(!w.http2(), e.hasHttpProtocolOptions(), w.protocol() + ": else HTTP/1.1: " + e);
    }
  }

  static final Duration ZERO = Duration.getDefaultInstance();

  @ParameterizedTest
  @ValueSource(strings = {"http", "kubernetes.io/h2c", "grpc", "kubernetes.io/ws"})
  void webSocket(String protocol) throws Exception {
    Written w = write(protocol);
    assertEquals(1, w.hcm().getUpgradeConfigsCount(), w.lds());
    HttpConnectionManager.UpgradeConfig ws = w.hcm().getUpgradeConfigs(0);
    assertEquals("websocket", ws.getUpgradeType());
    assertTrue(!ws.hasEnabled() || ws.getEnabled().getValue(), "enabled");
    assertEquals(0, ws.getFiltersCount(), "the listener's filters: the router alone");
    for (RouteAction r : w.routes()) {
      assertEquals(0, r.getUpgradeConfigsCount(), "no route turns it off");
    }
    // a WebSocket from an HTTP/2 client comes as extended CONNECT (RFC 8441), and goes to an
    // HTTP/2 app that way; to an HTTP/1.1 app as the Upgrade it is
    assertTrue(w.hcm().getHttp2ProtocolOptions().getAllowConnect());
    for (HttpProtocolOptions.ExplicitHttpConfig e : upstreams(w)) {
      assertEquals(w.http2(), e.getHttp2ProtocolOptions().getAllowConnect(), e.toString());
    }
    assertHttp2Upstreams(w);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "kubernetes.io/h2c", "grpc", "kubernetes.io/ws"})
  void h2cPriorKnowledge(String protocol) throws Exception {
    Written w = write(protocol);
    // AUTO is the default enum value: the file says it, so no reader has to know that
    assertEquals(CodecType.AUTO, w.hcm().getCodecType());
    assertTrue(w.lds().contains("codec_type: AUTO"), w.lds());
    assertTrue(w.hcm().hasHttp2ProtocolOptions(), "the listener takes HTTP/2 cleartext");
    assertHttp2Upstreams(w);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "kubernetes.io/h2c", "grpc", "kubernetes.io/ws"})
  void h2cUpgrade(String protocol) throws Exception {
    Written w = write(protocol);
    // Envoy declines Upgrade: h2c (drops the header, answers over HTTP/1.1, as RFC 9113 allows);
    // naming h2c in upgrade_configs would make it a 403
    assertFalse(
        w.hcm().getUpgradeConfigsList().stream()
            .anyMatch(u -> u.getUpgradeType().equalsIgnoreCase("h2c")),
        w.lds());
    assertEquals(CodecType.AUTO, w.hcm().getCodecType());
    assertHttp2Upstreams(w);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "kubernetes.io/h2c", "grpc", "kubernetes.io/ws"})
  void grpcUnary(String protocol) throws Exception {
    Written w = write(protocol);
    assertHttp2Upstreams(w);
    for (RouteAction r : w.routes()) {
      assertEquals(ZERO, r.getTimeout(), "no timeout counted from the request's end");
      assertEquals(
          w.grpc(),
          r.hasMaxStreamDuration() && r.getMaxStreamDuration().hasGrpcTimeoutHeaderMax(),
          "a gRPC app's calls end at the client's grpc-timeout");
      if (w.grpc()) {
        assertEquals(ZERO, r.getMaxStreamDuration().getGrpcTimeoutHeaderMax(), "of any length");
        assertFalse(r.getMaxStreamDuration().hasGrpcTimeoutHeaderOffset());
      }
    }
    // trailers (grpc-status) travel in HTTP/2 frames; no filter but the router to drop them
    assertEquals(
        List.of("envoy.filters.http.router"),
        w.hcm().getHttpFiltersList().stream().map(f -> f.getName()).toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "kubernetes.io/h2c", "grpc", "kubernetes.io/ws"})
  void grpcStreaming(String protocol) throws Exception {
    Written w = write(protocol);
    assertHttp2Upstreams(w);
    for (RouteAction r : w.routes()) {
      assertEquals(ZERO, r.getTimeout(), "a stream is not cut at 15 s");
      // a server stream may be quiet for minutes (watches): only Envoy's stream idle timeout
      assertEquals(!w.grpc(), r.getRetryPolicy().hasPerTryIdleTimeout(), r.toString());
    }
    assertFalse(w.hcm().hasRequestTimeout(), "a request stream may last");
    assertFalse(w.hcm().hasStreamIdleTimeout(), "Envoy's default, 5 minutes");
    assertFalse(w.hcm().getCommonHttpProtocolOptions().hasMaxStreamDuration());
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "kubernetes.io/h2c", "grpc", "kubernetes.io/ws"})
  void serverSentEvents(String protocol) throws Exception {
    Written w = write(protocol);
    // each chunk forwarded as it comes: no buffering filter, no timeout on the whole response,
    // and (but for gRPC apps) a 504 only when the app sends nothing for the route timeout
    assertEquals(1, w.hcm().getHttpFiltersCount());
    for (RouteAction r : w.routes()) {
      assertEquals(ZERO, r.getTimeout());
      if (!w.grpc()) {
        assertEquals(15, r.getRetryPolicy().getPerTryIdleTimeout().getSeconds());
        assertEquals("", r.getRetryPolicy().getRetryOn(), "an idle upstream is not retried");
      }
    }
    assertTrue(w.lds().contains("timeout: 0s"), "0 is written, not left to Envoy's 15 s default");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "kubernetes.io/h2c", "grpc", "kubernetes.io/ws"})
  void expect100Continue(String protocol) throws Exception {
    Written w = write(protocol);
    // the app's own answer (100, or a 417/413 before the body) reaches the client
    assertTrue(w.hcm().getProxy100Continue(), w.lds());
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "kubernetes.io/h2c", "grpc", "kubernetes.io/ws"})
  void http10(String protocol) throws Exception {
    Written w = write(protocol);
    Http1ProtocolOptions h1 = w.hcm().getHttpProtocolOptions();
    assertTrue(h1.getAcceptHttp10(), "else Envoy answers 426");
    assertEquals("127.0.0.1:8080", h1.getDefaultHostForHttp10(), "for a request with no Host");
    assertHttp2Upstreams(w);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "kubernetes.io/h2c", "grpc", "kubernetes.io/ws"})
  void keepAlive(String protocol) throws Exception {
    Written w = write(protocol);
    // connections stay open both sides: no per-connection request or age limit
    assertFalse(w.hcm().getCommonHttpProtocolOptions().hasMaxRequestsPerConnection());
    assertFalse(w.hcm().getCommonHttpProtocolOptions().hasMaxConnectionDuration());
    for (Cluster c : w.clusters()) {
      HttpProtocolOptions o = EnvoyProtos.upstream(c);
      assertFalse(o.getCommonHttpProtocolOptions().hasMaxRequestsPerConnection(), c.getName());
      assertFalse(o.getCommonHttpProtocolOptions().hasMaxConnectionDuration(), c.getName());
      assertFalse(c.hasMaxRequestsPerConnection(), c.getName());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "kubernetes.io/h2c", "grpc", "kubernetes.io/ws"})
  void chunked(String protocol) throws Exception {
    Written w = write(protocol);
    Http1ProtocolOptions h1 = w.hcm().getHttpProtocolOptions();
    assertFalse(h1.getAllowChunkedLength(), "Content-Length with Transfer-Encoding: 400");
    assertTrue(w.lds().contains("allow_chunked_length: false"), w.lds());
    assertTrue(h1.getEnableTrailers(), "a chunked request's trailers kept");
    for (HttpProtocolOptions.ExplicitHttpConfig e : upstreams(w)) {
      if (!w.http2()) {
        assertTrue(e.getHttpProtocolOptions().getEnableTrailers(), "and the response's");
      }
    }
    // large bodies both ways stream under Envoy's flow control: no lowered buffer limit
    assertFalse(EnvoyProtos.listener(w.lds()).hasPerConnectionBufferLimitBytes());
    for (Cluster c : w.clusters()) {
      assertFalse(c.hasPerConnectionBufferLimitBytes(), c.getName());
    }
  }
}

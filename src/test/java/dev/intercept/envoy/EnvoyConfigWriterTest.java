package dev.intercept.envoy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.TestWait;
import dev.intercept.policy.RegexBudget;
import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.Matcher;
import dev.intercept.protocol.Route;
import dev.intercept.protocol.RouteTable;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the sidecar writes for Envoy: strictly valid v3, ordered, atomic, and only on change. */
class EnvoyConfigWriterTest {
  static final EnvoyResources.Site SITE =
      new EnvoyResources.Site("0.0.0.0", 9900, new HostPort("127.0.0.1", 8080), 15, 5);
  static final HostPort T1 = new HostPort("10.0.0.7", 9000);
  static final HostPort T2 = new HostPort("10.0.0.8", 9001);

  @TempDir Path dir;
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    get(vertx.close());
  }

  static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  EnvoyConfigWriter deploy(String app) throws Exception {
    return deploy(app, RegexBudget.ENVOY_MAX_PROGRAM_SIZE);
  }

  EnvoyConfigWriter deploy(String app, int maxProgramSize) throws Exception {
    EnvoyConfigWriter w = new EnvoyConfigWriter(dir, SITE, app, 9901, maxProgramSize);
    get(vertx.deployVerticle(w));
    return w;
  }

  static RouteTable table(long version, Route... routes) {
    return new RouteTable("myapp", version, List.of(routes));
  }

  static Route route(String name, HostPort target, String... headerRegex) {
    List<Matcher> ms = new ArrayList<>();
    for (int i = 0; i < headerRegex.length; i += 2) {
      ms.add(Matcher.of(headerRegex[i], headerRegex[i + 1]));
    }
    return new Route(name, ms, target);
  }

  String read(String file) throws Exception {
    return Files.readString(dir.resolve(file));
  }

  /** Parses all three files strictly; returns the route names in order and the cluster names. */
  List<List<String>> parsedNames() throws Exception {
    Bootstrap b = EnvoyProtos.bootstrap(read("bootstrap.yaml"));
    assertEquals(
        "127.0.0.1",
        b.getAdmin().getAddress().getSocketAddress().getAddress(),
        "admin on loopback only");
    assertEquals(
        dir.toString(),
        b.getDynamicResources()
            .getLdsConfig()
            .getPathConfigSource()
            .getWatchedDirectory()
            .getPath());
    assertEquals(
        dir.resolve("cds.yaml").toString(),
        b.getDynamicResources().getCdsConfig().getPathConfigSource().getPath());
    Listener l = EnvoyProtos.listener(read("lds.yaml"));
    assertEquals(9900, l.getAddress().getSocketAddress().getPortValue());
    RouteConfiguration rc = EnvoyProtos.hcm(l).getRouteConfig();
    List<String> routes =
        rc.getVirtualHosts(0).getRoutesList().stream()
            .map(r -> r.getName() + "->" + r.getRoute().getCluster())
            .toList();
    List<String> clusters =
        EnvoyProtos.clusters(read("cds.yaml")).stream().map(Cluster::getName).toList();
    return List.of(routes, clusters);
  }

  @Test
  void noInterceptsAndNoAppName() throws Exception {
    deploy("");
    assertEquals(List.of(List.of("app->app"), List.of("app")), parsedNames());
    assertTrue(read("bootstrap.yaml").contains("intercept-sidecar-plain"));
  }

  @Test
  void theConnectionManagerTellsTheAppWhatTheBuiltInRouterTellsIt() throws Exception {
    deploy("myapp");
    String lds = read("lds.yaml");
    HttpConnectionManager hcm = EnvoyProtos.hcm(EnvoyProtos.listener(lds));
    assertTrue(
        hcm.hasUseRemoteAddress() && hcm.getUseRemoteAddress().getValue(),
        "the peer appended to x-forwarded-for, x-forwarded-proto from the connection");
    assertEquals(0, hcm.getXffNumTrustedHops(), "no client's x-forwarded-* trusted");
    assertFalse(hcm.getSkipXffAppend());
    assertTrue(hcm.getPreserveExternalRequestId(), "an incoming x-request-id kept");
    assertFalse(hcm.getHttpProtocolOptions().getAllowChunkedLength());
    assertFalse(hcm.hasTypedHeaderValidationConfig(), "it would ignore allow_chunked_length");
    // proto3 cannot tell an explicit false from an absent field: the file says it
    assertTrue(lds.contains("allow_chunked_length: false"), lds);
    assertTrue(lds.contains("skip_xff_append: false"), lds);
  }

  @Test
  void interceptsAppearAndLeaveInTableOrderWithTheirMatchers() throws Exception {
    EnvoyConfigWriter w = deploy("myapp");
    assertEquals(List.of(List.of("app->app"), List.of("app")), parsedNames());

    get(w.apply(table(2, route("test", T1, ":path", ".*ark3.*"))));
    assertEquals(
        List.of(
            List.of("intercept-test->tunnel-10.0.0.7-9000", "app->app"),
            List.of("app", "tunnel-10.0.0.7-9000")),
        parsedNames());

    get(
        w.apply(
            table(
                3,
                route("test", T1, ":path", ".*ark3.*"),
                route(
                    "bob",
                    T2,
                    "x-dev",
                    "bob",
                    ":method",
                    "POST|PUT",
                    ":authority",
                    "the-app(:80)?"))));
    assertEquals(
        List.of(
            List.of(
                "intercept-test->tunnel-10.0.0.7-9000",
                "intercept-bob->tunnel-10.0.0.8-9001",
                "app->app"),
            List.of("app", "tunnel-10.0.0.7-9000", "tunnel-10.0.0.8-9001")),
        parsedNames());
    var bob =
        EnvoyProtos.hcm(EnvoyProtos.listener(read("lds.yaml")))
            .getRouteConfig()
            .getVirtualHosts(0)
            .getRoutes(1);
    assertEquals(
        List.of("x-dev", ":method", ":authority"),
        bob.getMatch().getHeadersList().stream().map(h -> h.getName()).toList());
    assertEquals(
        "POST|PUT", bob.getMatch().getHeaders(1).getStringMatch().getSafeRegex().getRegex());
    assertEquals(15, bob.getRoute().getRetryPolicy().getPerTryIdleTimeout().getSeconds());
    // each route counts under its own name: vhost.intercept.route.intercept-bob.* (EnvoyStats)
    assertEquals("intercept-bob", bob.getStatPrefix());
    var vhost = EnvoyProtos.hcm(EnvoyProtos.listener(read("lds.yaml"))).getRouteConfig();
    assertEquals(EnvoyResources.VHOST, vhost.getVirtualHosts(0).getName());
    assertEquals("app", vhost.getVirtualHosts(0).getRoutes(2).getStatPrefix());

    get(w.apply(table(4, route("bob", T2, "x-dev", "bob"))));
    assertEquals(
        List.of(
            List.of("intercept-bob->tunnel-10.0.0.8-9001", "app->app"),
            List.of("app", "tunnel-10.0.0.8-9001")),
        parsedNames());
    get(w.apply(table(5)));
    assertEquals(List.of(List.of("app->app"), List.of("app")), parsedNames());
  }

  @Test
  void theBusDrivesTheWriterAndAnUnchangedTableWritesNothing() throws Exception {
    EnvoyConfigWriter w = deploy("myapp");
    Path lds = dir.resolve("lds.yaml");
    vertx
        .eventBus()
        .publish(BusAddresses.ROUTES_UPDATED, table(7, route("test", T1, ":path", "/x")).toJson());
    TestWait.until(
        () -> {
          try {
            return Files.readString(lds).contains("intercept-test");
          } catch (Exception e) {
            return false;
          }
        },
        10_000,
        "lds.yaml to hold the new route");
    Object inode = Files.readAttributes(lds, BasicFileAttributes.class).fileKey();
    get(w.apply(table(7, route("test", T1, ":path", "/x"))));
    assertEquals(
        inode,
        Files.readAttributes(lds, BasicFileAttributes.class).fileKey(),
        "the same content is not written again (no rename, so no reload)");
  }

  @Test
  void aReaderNeverSeesAPartialFile() throws Exception {
    EnvoyConfigWriter w = deploy("myapp");
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger reads = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              while (!done.get() && failure.get() == null) {
                try {
                  String lds = Files.readString(dir.resolve("lds.yaml"));
                  EnvoyProtos.hcm(EnvoyProtos.listener(lds));
                  EnvoyProtos.clusters(Files.readString(dir.resolve("cds.yaml")));
                  reads.incrementAndGet();
                } catch (Throwable e) {
                  failure.set(e);
                }
              }
            });
    reader.start();
    for (int v = 1; v <= 300; v++) {
      List<Route> rs = new ArrayList<>();
      for (int i = 0; i < v % 17; i++) {
        rs.add(
            route(
                "r" + i,
                new HostPort("10.0.0." + (i + 1), 9000 + i),
                ":path",
                "/r" + i + "/.*".repeat(v % 5 + 1),
                "x-long",
                "v".repeat(v * 3)));
      }
      get(w.apply(new RouteTable("myapp", v, rs)));
    }
    done.set(true);
    reader.join(10_000);
    if (failure.get() != null) {
      throw new AssertionError(
          "reader saw a broken file after " + reads.get() + " good reads", failure.get());
    }
    assertTrue(reads.get() > 10, "the reader read while the writer wrote: " + reads.get());
    try (var files = Files.list(dir)) {
      assertEquals(
          List.of("bootstrap.yaml", "cds.yaml", "lds.yaml"),
          files.map(p -> p.getFileName().toString()).sorted().toList(),
          "no temporary files left");
    }
  }

  @Test
  void envoyGetsTheProgramSizeLimitAndARouteOverItIsLeftOut() throws Exception {
    HostPort laptop = new HostPort("127.0.0.1", 9000);
    Route big = new Route("big", List.of(new Matcher(":path", "/big.{30}")), laptop); // size 248
    EnvoyConfigWriter w = deploy("myapp");
    assertEquals(100, errorLevel());
    get(w.apply(table(2, big, route("small", laptop, ":path", "/small.*"))));
    assertEquals(
        List.of("intercept-small->tunnel-127.0.0.1-9000", "app->app"), parsedNames().get(0));
    get(vertx.undeploy(w.deploymentID()));

    EnvoyConfigWriter raised = deploy("myapp", 300);
    assertEquals(300, errorLevel());
    get(raised.apply(table(3, big)));
    assertEquals(List.of("intercept-big->tunnel-127.0.0.1-9000", "app->app"), parsedNames().get(0));
  }

  /** The RE2 program-size limit the bootstrap gives Envoy (its static runtime layer). */
  int errorLevel() throws Exception {
    return (int)
        EnvoyProtos.bootstrap(read("bootstrap.yaml"))
            .getLayeredRuntime()
            .getLayers(0)
            .getStaticLayer()
            .getFieldsOrThrow("re2.max_program_size.error_level")
            .getNumberValue();
  }
}

package dev.intercept.it.conformance;

import dev.intercept.it.RoleProcess;
import dev.intercept.it.Roles;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The data planes' conformance matrix (issue 13): each row a protocol an app speaks, each column a
 * path through the sidecar, every cell a real client against real servers on loopback. The cast:
 * the proxy, two built-in sidecars (app "web", APPPROTOCOL http, in front of a Vert.x server; app
 * "rpc", APPPROTOCOL grpc, in front of a grpc-java server) and two intercept clients as processes
 * of the built jar, each intercept taking {@code x-dev: me} through the real SSH tunnel to the
 * laptop's copy of the server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataPlaneConformanceIT {
  /**
   * The columns. The Envoy plane's column (its config per APPPROTOCOL: upgrade_configs, HTTP/2
   * upstreams, checked against Envoy's own protos) lives with the Envoy plane in
   * dev.intercept.envoy, not here: no Envoy binary runs on these machines. An ENVOY column belongs
   * in this enum the day one does, with the same rows.
   */
  enum Column {
    BUILTIN_TO_THE_APP("built-in to the app"),
    BUILTIN_THROUGH_AN_INTERCEPT("built-in through an intercept");

    final String label;

    Column(String label) {
      this.label = label;
    }
  }

  /** One row: a protocol, and the check a client runs against a column's target. */
  private record Row(String protocol, boolean grpc, Check check) {}

  @FunctionalInterface
  private interface Check {
    void run(Target t) throws Exception;
  }

  private final Roles roles = new Roles();
  private Vertx vertx;
  private WebServer webApp;
  private WebServer webLaptop;
  private GrpcServer rpcApp;
  private GrpcServer rpcLaptop;
  private int webSidecar;
  private int rpcSidecar;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    webApp = WebServer.start(vertx, "app");
    webLaptop = WebServer.start(vertx, "laptop");
    rpcApp = GrpcServer.start("app");
    rpcLaptop = GrpcServer.start("laptop");
    RoleProcess proxy = roles.openProxy(2);
    int api = proxy.port("api");
    RoleProcess web = sidecar("web", webApp.port(), "http", api);
    RoleProcess rpc = sidecar("rpc", rpcApp.port(), "grpc", api);
    webSidecar = web.port("http");
    rpcSidecar = rpc.port("http");
    intercept("web", webLaptop.port(), api);
    intercept("rpc", rpcLaptop.port(), api);
    // the route is in each sidecar's table once it logs it
    web.awaitLogLine("route table for web is now version \\d+: \\[t ", 30_000);
    rpc.awaitLogLine("route table for rpc is now version \\d+: \\[t ", 30_000);
  }

  private RoleProcess sidecar(String app, int appPort, String protocol, int api) throws Exception {
    RoleProcess p =
        roles.start(
            "sidecar-" + app,
            Map.of("APPNAME", app, "APPPORT", Integer.toString(appPort), "APPPROTOCOL", protocol),
            "--role=sidecar",
            "--listen-host",
            "127.0.0.1",
            "--listen-port",
            "0",
            "--proxy-url",
            "http://127.0.0.1:" + api);
    p.awaitLine("connected to the proxy", 30_000);
    return p;
  }

  private void intercept(String app, int laptop, int api) throws Exception {
    roles
        .start(
            "client-" + app,
            Map.of(),
            "--role=client",
            "intercept",
            app,
            "-m",
            "x-dev",
            "me",
            "--name",
            "t",
            "-p",
            Integer.toString(laptop),
            "--proxy-url",
            "http://127.0.0.1:" + api)
        .awaitLine("^T: Intercept is running", 30_000);
  }

  @AfterAll
  void stop() throws Exception {
    roles.close();
    rpcApp.close();
    rpcLaptop.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private List<Row> rows() {
    HttpRows http = new HttpRows(vertx);
    GrpcRows grpc = new GrpcRows();
    return List.of(
        new Row("HTTP/1.1 keep-alive", false, http::keepAlive),
        new Row("chunked and large bodies both ways", false, http::largeBodies),
        new Row("Expect: 100-continue", false, http::expectContinue),
        new Row("server-sent events, each as it comes", false, http::serverSentEvents),
        new Row("WebSocket upgrade", false, http::webSocket),
        new Row("h2c with prior knowledge", false, http::h2cPriorKnowledge),
        new Row("h2c by Upgrade", false, http::h2cUpgrade),
        new Row("gRPC unary", true, grpc::unary),
        new Row(
            "gRPC server streaming, trailers and status",
            true,
            grpc::serverStreamingTrailersAndStatus),
        new Row("gRPC bidirectional streaming", true, grpc::bidiStreaming),
        new Row("HTTP/1.0", false, http::http10));
  }

  private Target target(Row row, Column column) {
    int sidecar = row.grpc() ? rpcSidecar : webSidecar;
    boolean intercepted = column == Column.BUILTIN_THROUGH_AN_INTERCEPT;
    int server =
        row.grpc()
            ? (intercepted ? rpcLaptop : rpcApp).port()
            : (intercepted ? webLaptop : webApp).port();
    return intercepted
        ? new Target(sidecar, "x-dev", "me", "laptop", server)
        : new Target(sidecar, null, null, "app", server);
  }

  @TestFactory
  Stream<DynamicTest> matrix() {
    List<DynamicTest> cells = new ArrayList<>();
    for (Row row : rows()) {
      for (Column column : Column.values()) {
        cells.add(
            DynamicTest.dynamicTest(
                row.protocol() + " | " + column.label, () -> row.check().run(target(row, column))));
      }
    }
    return cells.stream();
  }
}

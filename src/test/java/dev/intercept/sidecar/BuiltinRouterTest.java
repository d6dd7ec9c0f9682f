package dev.intercept.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.OnContext;
import dev.intercept.TestWait;
import dev.intercept.config.Config;
import dev.intercept.config.ConfigKey;
import dev.intercept.config.Role;
import dev.intercept.it.Http;
import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.Matcher;
import dev.intercept.protocol.Route;
import dev.intercept.protocol.RouteTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The built-in data plane on real sockets: routing, headers, streaming, keep-alive, errors. */
class BuiltinRouterTest {
  private Vertx vertx;
  private HttpServer app;
  private HttpServer laptop;
  private BuiltinRouter router;
  private HttpClient client;
  private OnContext calls;
  private final Set<Object> appConnections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger appRequests = new AtomicInteger();
  private final AtomicInteger laptopRequests = new AtomicInteger();

  static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** An upstream that names itself, echoes headers, streams the body back; /slow never answers. */
  HttpServer upstream(String name, Runnable onRequest) throws Exception {
    return get(
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  onRequest.run();
                  if (req.path().equals("/slow")) {
                    return;
                  }
                  if (name.equals("app")) {
                    appConnections.add(req.connection());
                  }
                  var resp = req.response().setChunked(true);
                  resp.write(
                      "served-by="
                          + name
                          + "\n"
                          + "host="
                          + req.getHeader("host")
                          + "\n"
                          + "xfp="
                          + req.getHeader("x-forwarded-proto")
                          + "\n"
                          + "rid="
                          + req.getHeader("x-request-id")
                          + "\n"
                          + "xff="
                          + req.getHeader("x-forwarded-for")
                          + "\n"
                          + "xea="
                          + req.getHeader("x-envoy-external-address")
                          + "\n"
                          + "secret="
                          + req.getHeader("x-secret")
                          + "\n");
                  req.handler(resp::write);
                  req.endHandler(v -> resp.end());
                })
            .listen(0, "127.0.0.1"));
  }

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    app = upstream("app", appRequests::incrementAndGet);
    laptop = upstream("laptop", laptopRequests::incrementAndGet);
    Config s =
        Config.of(
            Role.SIDECAR,
            Map.of(
                ConfigKey.LISTEN_HOST,
                "127.0.0.1",
                ConfigKey.LISTEN_PORT,
                0,
                ConfigKey.APP_NAME,
                "myapp",
                ConfigKey.APP_PORT,
                app.actualPort(),
                ConfigKey.PROXY_URL,
                "http://127.0.0.1:1",
                ConfigKey.ROUTE_TIMEOUT_SECONDS,
                1),
            "test");
    router = new BuiltinRouter(s);
    get(vertx.deployVerticle(router));
    calls = new OnContext(vertx);
    client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(1));
  }

  @AfterEach
  void tearDown() throws Exception {
    get(vertx.close());
  }

  record Answer(int status, String body) {
    String servedBy() {
      return body.lines().findFirst().orElse("");
    }
  }

  Answer send(HttpMethod m, String path, Buffer body, String... headers) throws Exception {
    RequestOptions o =
        new RequestOptions()
            .setMethod(m)
            .setHost("127.0.0.1")
            .setPort(router.actualPort())
            .setURI(path)
            .putHeader("host", "the-app");
    for (int i = 0; i + 1 < headers.length; i += 2) {
      o.addHeader(headers[i], headers[i + 1]);
    }
    return calls.await(
        () ->
            client
                .request(o)
                .compose(r -> body == null ? r.send() : r.send(body))
                .compose(
                    resp -> resp.body().map(b -> new Answer(resp.statusCode(), b.toString()))));
  }

  void routes(Route... rs) {
    RouteTable t = new RouteTable("myapp", System.nanoTime(), List.of(rs));
    vertx.eventBus().publish(BusAddresses.ROUTES_UPDATED, t.toJson());
  }

  @Test
  void unmatchedGoesToTheAppWithEnvoysHeadersAndTheOriginalHost() throws Exception {
    Answer a = send(HttpMethod.GET, "/foo/bar", null);
    assertEquals(200, a.status());
    assertEquals("served-by=app", a.servedBy());
    assertTrue(a.body().contains("host=the-app\n"), a.body());
    assertTrue(a.body().contains("xfp=http\n"), a.body());
    assertTrue(a.body().contains("xff=127.0.0.1\n"), a.body());
    assertTrue(a.body().matches("(?s).*rid=[0-9a-f-]{36}\n.*"), a.body());
    Answer kept = send(HttpMethod.GET, "/", null, "x-request-id", "abc");
    assertTrue(kept.body().contains("rid=abc\n"), kept.body());
  }

  /** Diverts requests carrying {@code x-dev: me} to the laptop, once the table is in place. */
  void divertXDev() {
    routes(
        new Route(
            "dev",
            List.of(Matcher.of("x-dev", "me")),
            new HostPort("127.0.0.1", laptop.actualPort())));
    TestWait.until(
        () -> firstLine(() -> Http.get(router.actualPort(), "/", "x-dev", "me")).endsWith("laptop"),
        5_000,
        "the route to the laptop");
  }

  static String firstLine(Callable<Http.Response> c) {
    try {
      return c.call().firstLine();
    } catch (Exception e) {
      return e.toString();
    }
  }

  @Test
  void forwardingHeadersComeFromTheConnectionAndNominatedHeadersAreDropped() throws Exception {
    divertXDev();
    for (String upstream : List.of("app", "laptop")) {
      Http.Response r =
          Http.get(
              router.actualPort(),
              "/h",
              "x-dev",
              upstream.equals("laptop") ? "me" : "you",
              "X-Forwarded-For",
              "1.2.3.4",
              "X-Forwarded-Proto",
              "https",
              "Connection",
              "x-secret",
              "X-Secret",
              "v");
      assertEquals("served-by=" + upstream, r.firstLine());
      assertTrue(r.body().contains("xff=1.2.3.4, 127.0.0.1\n"), r.body());
      assertTrue(r.body().contains("xfp=http\n"), "a client cannot claim TLS: " + r.body());
      assertTrue(r.body().contains("xea=127.0.0.1\n"), r.body());
      assertTrue(r.body().contains("secret=null\n"), "nominated by Connection: " + r.body());
    }
  }

  @Test
  void requestsEnvoyRefusesGetA400AndReachNoUpstream() throws Exception {
    divertXDev();
    int appBefore = appRequests.get();
    int laptopBefore = laptopRequests.get();
    byte[] chunked = "5\r\nhello\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    for (String dev : List.of("you", "me")) {
      // Http.send adds the Content-Length: smuggling's classic CL.TE shape
      Http.Response clte =
          Http.send(
              router.actualPort(),
              "POST",
              "/",
              chunked,
              "x-dev",
              dev,
              "Transfer-Encoding",
              "chunked");
      assertEquals(400, clte.status(), clte.head());
      Http.Response hidden =
          Http.get(router.actualPort(), "/", "x-dev", dev, "Connection", "x-forwarded-for");
      assertEquals(400, hidden.status(), hidden.head());
    }
    assertEquals(appBefore, appRequests.get(), "the app saw nothing");
    assertEquals(laptopBefore, laptopRequests.get(), "the laptop saw nothing");
    Http.Response fine =
        Http.send(router.actualPort(), "POST", "/", "hello".getBytes(StandardCharsets.US_ASCII));
    assertEquals("served-by=app", fine.firstLine());
    assertTrue(fine.body().endsWith("hello"), fine.body());
  }

  @Test
  void tableSwapsDivertMatchingRequestsOnly() throws Exception {
    routes(
        new Route(
            "t",
            List.of(Matcher.of(":path", ".*ark3.*")),
            new HostPort("127.0.0.1", laptop.actualPort())));
    TestWait.until(() -> call("/ark3").equals("served-by=laptop"), 5_000, "the new table");
    assertEquals("served-by=app", call("/foo/bar"));
    routes();
    TestWait.until(() -> call("/ark3").equals("served-by=app"), 5_000, "the empty table");
  }

  String call(String path) {
    try {
      return send(HttpMethod.GET, path, null).servedBy();
    } catch (Exception e) {
      return e.toString();
    }
  }

  @Test
  void aRouteThatDoesNotCompileIsDroppedAloneAndTheRestApplies() throws Exception {
    routes(
        new Route(
            "broken", List.of(new Matcher(":path", "(unclosed")), new HostPort("127.0.0.1", 1)),
        // RE2 program size 248, over Envoy's default 100: Envoy would refuse it, so do we
        new Route(
            "big",
            List.of(new Matcher(":path", "/big.{30}")),
            new HostPort("127.0.0.1", laptop.actualPort())),
        new Route(
            "good",
            List.of(Matcher.of(":path", ".*ark3.*")),
            new HostPort("127.0.0.1", laptop.actualPort())));
    TestWait.until(() -> call("/ark3").equals("served-by=laptop"), 5_000, "the good route");
    assertEquals("served-by=app", call("/unclosed"));
    assertEquals("served-by=app", call("/big" + "x".repeat(30)));
  }

  @Test
  void bodiesStreamBothWaysAndConnectionsAreKeptAlive() throws Exception {
    Buffer big = Buffer.buffer("x".repeat(4 << 20));
    for (int i = 0; i < 5; i++) {
      Answer a = send(HttpMethod.POST, "/upload", big);
      assertEquals(200, a.status());
      assertTrue(a.body().endsWith(big.toString()), "4 MiB echoed whole");
    }
    assertEquals(1, appConnections.size(), "five requests, one upstream connection");
  }

  @Test
  void deadTunnelFailsOpenToTheApp() throws Exception {
    int closed = Integer.parseInt(Http.freePorts(1));
    routes(
        new Route("gone", List.of(Matcher.of(":path", ".*")), new HostPort("127.0.0.1", closed)));
    TestWait.until(() -> router.actualPort() > 0, 1_000, "router");
    // whatever the table says, a refused tunnel port never yields an error
    for (int i = 0; i < 20; i++) {
      assertEquals("served-by=app", send(HttpMethod.GET, "/x", null).servedBy());
    }
  }

  @Test
  void routeTimeoutAnswers504AndADeadAppAnswers503() throws Exception {
    Answer slow = send(HttpMethod.GET, "/slow", null);
    assertEquals(504, slow.status());
    assertEquals("upstream request timeout", slow.body());
    get(app.close());
    Answer down = send(HttpMethod.GET, "/foo", null);
    assertEquals(503, down.status());
    assertTrue(down.body().startsWith("upstream connect error"), down.body());
  }
}

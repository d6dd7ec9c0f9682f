package dev.intercept.sidecar;

import dev.intercept.config.Config;
import dev.intercept.config.ConfigKey;
import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.Route;
import dev.intercept.protocol.RouteTable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyRequest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in data plane: a reverse proxy (vertx-http-proxy) that sends each request to the first
 * matching intercept's tunnel, else to the app. The compiled table is swapped atomically on {@link
 * BusAddresses#ROUTES_UPDATED}; bodies stream both ways; upstream connections are pooled and kept
 * alive. Rewrites headers and refuses requests as Envoy's connection manager does ({@link
 * EnvoyBehaviour}, {@link StrictRequestDecoder}).
 */
public class BuiltinRouter extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(BuiltinRouter.class);
  static final String TARGET = "intercept.target";

  private final Config config;
  private final String appHost;
  private final int appPort;
  private final int routeTimeoutSeconds;
  private final int maxProgramSize;
  private volatile RouteSelector selector;
  private HttpServer server;

  private final RouteCounters counters;

  public BuiltinRouter(Config config) {
    this(config, new RouteCounters());
  }

  public BuiltinRouter(Config config, RouteCounters counters) {
    this.config = config;
    this.counters = counters;
    this.appHost = config.get(ConfigKey.APP_HOST);
    this.appPort = config.get(ConfigKey.APP_PORT);
    this.routeTimeoutSeconds = config.get(ConfigKey.ROUTE_TIMEOUT_SECONDS);
    this.maxProgramSize = config.get(ConfigKey.MAX_REGEX_PROGRAM_SIZE);
    this.selector =
        new RouteSelector(RouteTable.empty(config.get(ConfigKey.APP_NAME)), maxProgramSize);
  }

  /**
   * Upstream connections to each intercept's tunnel, by route name and target: when a route leaves
   * the table its pooled connections are closed, so a later intercept given the same port never
   * inherits a connection of the tunnel that went away.
   */
  private final Map<String, HttpClient> tunnelClients = new HashMap<>();

  private HttpClient newClient() {
    return vertx.createHttpClient(
        new HttpClientOptions()
            .setKeepAlive(true)
            .setConnectTimeout(5_000)
            .setDecompressionSupported(false),
        new PoolOptions().setHttp1MaxSize(64));
  }

  @Override
  public Future<?> start() {
    HttpProxy proxy = HttpProxy.reverseProxy(newClient());
    proxy.addInterceptor(
        new EnvoyBehaviour(routeTimeoutSeconds, ctx -> request(ctx, appHost, appPort)));
    proxy.origin(this::originRequest);
    vertx
        .eventBus()
        .<JsonObject>localConsumer(
            BusAddresses.ROUTES_UPDATED, m -> compileThenSwap(RouteTable.fromJson(m.body())));
    // no h2c: Vert.x would announce a connection only after decoding its first request, too late
    // for the strict decoder (both upstreams are spoken to in HTTP/1.1 anyway)
    HttpServerOptions options = new HttpServerOptions().setHttp2ClearTextEnabled(false);
    server =
        vertx
            .createHttpServer(options)
            .connectionHandler(c -> StrictRequestDecoder.install(c, options))
            .requestHandler(proxy);
    return server.listen(config.get(ConfigKey.LISTEN_PORT), config.get(ConfigKey.LISTEN_HOST));
  }

  /** SIGTERM: stop accepting, let in-flight requests finish (bounded by the route timeout). */
  @Override
  public Future<?> stop() {
    return server.shutdown(routeTimeoutSeconds, TimeUnit.SECONDS);
  }

  public int actualPort() {
    return server.actualPort();
  }

  /** Compiles off the event loop; a table older than the one in use by then is not applied. */
  private void compileThenSwap(RouteTable table) {
    vertx
        .executeBlocking(() -> new RouteSelector(table, maxProgramSize))
        .onSuccess(
            compiled -> {
              if (compiled.table().version() >= selector.table().version()) {
                swap(compiled);
              }
            })
        .onFailure(e -> LOG.warn("route table {} not applied: {}", table.version(), e.toString()));
  }

  void swap(RouteSelector compiled) {
    RouteTable table = compiled.table();
    selector = compiled;
    Set<String> live = new HashSet<>();
    table.routes().forEach(r -> live.add(clientKey(r.name(), r.target())));
    tunnelClients
        .entrySet()
        .removeIf(
            e -> {
              if (!live.contains(e.getKey())) {
                e.getValue().close();
                return true;
              }
              return false;
            });
    LOG.info(
        "route table for {} is now version {}: {}",
        table.app(),
        table.version(),
        table.routes().isEmpty()
            ? "all traffic to the app"
            : table.routes().stream()
                .map(r -> r.name() + " " + r.matchers() + " -> " + r.target())
                .toList());
  }

  private Future<HttpClientRequest> originRequest(ProxyContext ctx) {
    ProxyRequest pr = ctx.request();
    Route route = selector.select(name -> value(pr, name));
    HostPort target = route == null ? null : route.target();
    (route == null ? counters.app() : counters.route(route.name())).request();
    ctx.set(TARGET, target);
    if (target == null) {
      return request(ctx, appHost, appPort);
    }
    HttpClient tunnel =
        tunnelClients.computeIfAbsent(clientKey(route.name(), target), k -> newClient());
    // a tunnel that just went away refuses the connection before any byte is sent: fail open to the
    // app
    return request(tunnel, target.host(), target.port())
        .recover(
            e -> {
              LOG.debug(
                  "intercept target {} unreachable ({}): request goes to the app",
                  target,
                  e.getMessage());
              return request(ctx, appHost, appPort);
            });
  }

  private static String clientKey(String route, HostPort target) {
    return route + "@" + target;
  }

  private Future<HttpClientRequest> request(ProxyContext ctx, String host, int port) {
    return request(ctx.client(), host, port);
  }

  private Future<HttpClientRequest> request(HttpClient client, String host, int port) {
    return client.request(
        new RequestOptions()
            .setHost(host)
            .setPort(port)
            .setIdleTimeout(routeTimeoutSeconds * 1000L));
  }

  /** Request values as Envoy matches them: pseudo-headers, then headers joined with ','. */
  static String value(ProxyRequest pr, String name) {
    HttpServerRequest in = pr.proxiedRequest();
    switch (name) {
      case ":path":
        return pr.getURI();
      case ":method":
        return pr.getMethod().name();
      case ":scheme":
        return in.isSSL() ? "https" : "http";
      case ":authority":
        {
          String h = in.getHeader("host");
          HostAndPort a = in.authority();
          return h != null
              ? h
              : a == null ? null : a.port() < 0 ? a.host() : a.host() + ":" + a.port();
        }
      default:
        {
          List<String> all = pr.headers().getAll(name);
          return all.isEmpty() ? null : all.size() == 1 ? all.get(0) : String.join(",", all);
        }
    }
  }
}

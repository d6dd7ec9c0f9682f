package dev.intercept.sidecar;

import dev.intercept.config.Config;
import dev.intercept.config.ConfigKey;
import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.RouteTable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in data plane: sends each request to the first matching intercept's tunnel, else to the
 * app, as Envoy would ({@link DataPlaneServer} on Netty: HTTP/1.x, h2c, gRPC, WebSocket). The
 * compiled table arrives on {@link BusAddresses#ROUTES_UPDATED} and is swapped in atomically.
 */
public class BuiltinRouter extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(BuiltinRouter.class);

  private final Config config;
  private final HostPort app;
  private final int routeTimeoutSeconds;
  private final int maxProgramSize;
  private DataPlaneServer plane;

  private final RouteCounters counters;

  public BuiltinRouter(Config config) {
    this(config, new RouteCounters());
  }

  /** {@code counters}: what requests count to, per route and for the app (SidecarRole's). */
  public BuiltinRouter(Config config, RouteCounters counters) {
    this.counters = counters;
    this.config = config;
    this.app = new HostPort(config.get(ConfigKey.APP_HOST), config.get(ConfigKey.APP_PORT));
    this.routeTimeoutSeconds = config.get(ConfigKey.ROUTE_TIMEOUT_SECONDS);
    this.maxProgramSize = config.get(ConfigKey.MAX_REGEX_PROGRAM_SIZE);
  }

  @Override
  public Future<?> start() {
    RouteTable empty = RouteTable.empty(config.get(ConfigKey.APP_NAME));
    int threads = config.get(ConfigKey.DATA_PLANE_THREADS);
    return vertx
        .executeBlocking(
            () -> new RoutePlan(new RouteSelector(empty, maxProgramSize), app, counters))
        .compose(
            initial -> {
              plane =
                  new DataPlaneServer(
                      threads == 0 ? Runtime.getRuntime().availableProcessors() : threads,
                      AppProtocol.of(config.get(ConfigKey.APP_PROTOCOL)),
                      routeTimeoutSeconds,
                      initial);
              vertx
                  .eventBus()
                  .<JsonObject>localConsumer(
                      BusAddresses.ROUTES_UPDATED,
                      m -> compileThenSwap(RouteTable.fromJson(m.body())));
              return plane.listen(
                  config.get(ConfigKey.LISTEN_HOST), config.get(ConfigKey.LISTEN_PORT));
            });
  }

  /** SIGTERM: stop accepting, let in-flight requests finish (bounded by the route timeout). */
  @Override
  public Future<?> stop() {
    return plane == null ? Future.succeededFuture() : plane.shutdown(routeTimeoutSeconds * 1000L);
  }

  public int actualPort() {
    return plane.port();
  }

  /** How the listener is served, for the start-up line: transport and event loops. */
  public String transport() {
    return plane.transport();
  }

  /** Compiles and resolves off the event loops; a table older than the one in use is dropped. */
  private void compileThenSwap(RouteTable table) {
    vertx
        .executeBlocking(
            () -> new RoutePlan(new RouteSelector(table, maxProgramSize), app, counters))
        .onSuccess(
            compiled -> {
              if (compiled.table().version() >= plane.plan().table().version()) {
                swap(compiled);
              }
            })
        .onFailure(e -> LOG.warn("route table {} not applied: {}", table.version(), e.toString()));
  }

  private void swap(RoutePlan compiled) {
    RouteTable table = compiled.table();
    plane.swap(compiled);
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
}

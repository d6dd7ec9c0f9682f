package dev.intercept.proxy;

import dev.intercept.config.Config;
import dev.intercept.config.ConfigKey;
import dev.intercept.policy.InterceptPolicy;
import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.Identity;
import dev.intercept.protocol.Intercept;
import dev.intercept.protocol.InvalidInputException;
import dev.intercept.protocol.Names;
import dev.intercept.protocol.Registration;
import dev.intercept.protocol.Renewal;
import dev.intercept.proxy.access.AccessControl;
import dev.intercept.proxy.access.Action;
import dev.intercept.proxy.access.Bearer;
import dev.intercept.tunnel.TunnelKeys;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's HTTP API (DESIGN.md "Proxy HTTP API"), JSON under /api/v1. Handlers answer with the
 * records of {@code protocol}; every failure goes to {@link ApiAnswers#failed}.
 */
public class ApiServer extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  private final Config config;
  private final InterceptRegistry registry;
  private final InterceptPolicy policy;
  private final SshEndpoint ssh;
  private final BooleanSupplier ready;
  private final AccessControl access;
  private HttpServer server;
  private RoutePolls polls;
  private Departures departures;
  private InterceptStats stats;
  private final ProxyMetrics metrics;

  /** What the API tells clients about the SSH server. */
  public record SshEndpoint(String publicHost, int port, String hostKey) {}

  public ApiServer(
      Config config,
      InterceptRegistry registry,
      InterceptPolicy policy,
      SshEndpoint ssh,
      BooleanSupplier ready,
      AccessControl access,
      ProxyMetrics metrics) {
    this.metrics = metrics;
    this.config = config;
    this.access = access;
    this.registry = registry;
    this.policy = policy;
    this.ssh = ssh;
    this.ready = ready;
  }

  @Override
  public Future<?> start() {
    PollCapacity capacity =
        PollCapacity.of(config.get(ConfigKey.MAX_WAITERS), config.get(ConfigKey.POLL_FD_RESERVE));
    LOG.info(capacity.describe());
    polls =
        new RoutePolls(
            access,
            vertx,
            registry,
            capacity.limit(),
            config.get(ConfigKey.MAX_POLL_WAIT_SECONDS),
            config.get(ConfigKey.POLL_RETRY_AFTER_SECONDS));
    departures = new Departures(vertx, registry.leaseMillis() + 60_000);
    stats = new InterceptStats(vertx, config.get(ConfigKey.FORGET_APPS_SECONDS) * 1000L);
    Router r = Router.router(vertx);
    r.route().handler(metrics::timeRequests);
    r.route().handler(RequestBody::read);
    r.get("/healthz").handler(ctx -> ApiAnswers.json(ctx, 200, status("ok")));
    // the status page: static, no data in it (the data comes from the authenticated feed)
    r.get("/").handler(StatusPage::serve);
    r.get("/readyz").handler(this::ready);
    r.route("/api/v1/*").handler(this::authenticate);
    r.put("/api/v1/apps/:app/intercepts/:name").handler(this::create);
    r.get("/api/v1/apps/:app/intercepts").handler(ctx -> list(ctx, app(ctx)));
    r.get("/api/v1/intercepts").handler(ctx -> list(ctx, null));
    r.delete("/api/v1/apps/:app/intercepts/:name").handler(this::delete);
    r.post("/api/v1/apps/:app/intercepts/:name/renew").handler(this::renew);
    r.get("/api/v1/apps/:app/routes").handler(this::routes);
    new ApiInsight(access.authorizer(), registry).mount(r);
    EventStream events =
        new EventStream(vertx, access.authorizer(), registry, stats, polls::waitingByApp);
    r.get("/api/v1/events").handler(ctx -> events.handle(ctx, who(ctx)));
    new ApiReports(access.authorizer(), stats, metrics)
        .mount(r, this::authenticate, polls, capacity, events);
    r.route().failureHandler(ApiAnswers::failed);
    for (int status : new int[] {400, 404, 405, 413, 500}) {
      r.errorHandler(status, ApiAnswers::failed);
    }
    // every request and answer is handled on this verticle's event loop (answers from the bus, the
    // registry and the sweep come back to it): strict thread mode skips the per-connection
    // outbound queue, ~4 KB of heap per connection. A PollGate serves route polls below Vert.x's
    // HTTP objects; no h2c, so the gate is in place before a connection's first request; no
    // WebSocket compression (the API has no WebSocket): no extension handler in every connection
    var options =
        new HttpServerOptions()
            .setStrictThreadMode(true)
            .setPerFrameWebSocketCompressionSupported(false)
            .setPerMessageWebSocketCompressionSupported(false);
    server = vertx.createHttpServer(options.setHttp2ClearTextEnabled(false)).requestHandler(r);
    server.connectionHandler(conn -> PollGate.install(conn, polls, metrics));
    return server.listen(config.get(ConfigKey.API_PORT), config.get(ConfigKey.LISTEN_HOST));
  }

  @Override
  public Future<?> stop() {
    return server.shutdown(5, TimeUnit.SECONDS);
  }

  public int actualPort() {
    return server.actualPort();
  }

  int waitingPolls() {
    return polls.waiting();
  }

  long pollsTakenByGate() {
    return polls.taken();
  }

  private static JsonObject status(String s) {
    return new JsonObject().put("status", s);
  }

  private void ready(RoutingContext ctx) {
    boolean ok = ready.getAsBoolean();
    ApiAnswers.json(ctx, ok ? 200 : 503, status(ok ? "ready" : "not a live cluster member"));
  }

  private static final String IDENTITY = "intercept.identity";

  /** Every /api/v1 call: who is it? Unauthenticated calls end here (401). */
  private void authenticate(RoutingContext ctx) {
    access
        .authenticator()
        .authenticate(Bearer.token(ctx.request().getHeader("Authorization")))
        .onSuccess(
            who -> {
              ctx.put(IDENTITY, who);
              ctx.next();
            })
        .onFailure(ctx::fail);
  }

  static Identity who(RoutingContext ctx) {
    return ctx.get(IDENTITY);
  }

  private Future<Void> allowed(RoutingContext ctx, Action action, String app) {
    return access.authorizer().check(who(ctx), action, app);
  }

  private static String app(RoutingContext ctx) {
    return Names.check("app", ctx.pathParam("app"));
  }

  private static String name(RoutingContext ctx) {
    return Names.check("intercept name", ctx.pathParam("name"));
  }

  private void create(RoutingContext ctx) {
    String app = app(ctx);
    String name = name(ctx);
    String body = RequestBody.of(ctx);
    allowed(ctx, Action.REGISTER, app)
        .compose(v -> policy.read(body))
        .compose(
            req -> {
              TunnelKeys.parse(req.publicKey());
              return departures
                  .admit(app, name, req.publicKey())
                  .compose(v -> registry.create(app, name, req, who(ctx)));
            })
        .onComplete(ar -> metrics.registration(ar.cause()))
        .onSuccess(
            i -> {
              LOG.info(
                  "intercept {} of app {} registered: port {}, matchers {}",
                  i.name(),
                  i.app(),
                  i.port(),
                  i.matchers());
              ApiAnswers.json(ctx, 201, registration(i).toJson());
            })
        .onFailure(ctx::fail);
  }

  private Registration registration(Intercept i) {
    return new Registration(
        i.listed(),
        i.sshUser(),
        ssh.publicHost().isEmpty() ? null : ssh.publicHost(),
        ssh.port(),
        ssh.hostKey(),
        registry.leaseMillis() / 1000.0,
        config.get(ConfigKey.ADVERTISE_HOST));
  }

  private void list(RoutingContext ctx, String app) {
    allowed(ctx, Action.LIST, app == null ? "" : app)
        .compose(v -> registry.list(app))
        .compose(stats::listed)
        .onSuccess(
            all -> {
              JsonArray a = new JsonArray();
              Identity viewer = who(ctx);
              all.forEach(i -> a.add(i.shownTo(viewer).toJson()));
              ApiAnswers.json(ctx, 200, a);
            })
        .onFailure(ctx::fail);
  }

  /** Deleting one's own intercept, or (an admin) revoking another's. */
  private void delete(RoutingContext ctx) {
    String app = app(ctx);
    String name = name(ctx);
    Identity who = who(ctx);
    // ?leave=true (the client's leave): the run that holds it stops instead of registering again
    boolean leave = "true".equals(ctx.queryParams().get("leave"));
    registry
        .get(app, name)
        .compose(
            i -> {
              if (i == null || i.owner().equals(who.user())) {
                return allowed(ctx, Action.DELETE, app).map(v -> who.user());
              }
              return allowed(ctx, Action.REVOKE, app)
                  .recover(
                      e ->
                          Future.failedFuture(
                              e instanceof ApiFailure.Forbidden
                                  ? new ApiFailure.NotOwner(
                                      "intercept '"
                                          + name
                                          + "' of app '"
                                          + app
                                          + "' belongs to "
                                          + i.owner()
                                          + " (only an admin may revoke it)")
                                  : e))
                  .map(v -> i.owner());
            })
        .compose(owner -> registry.delete(app, name, owner))
        .compose(i -> leave ? departures.record(i).map(v -> i) : Future.succeededFuture(i))
        .onSuccess(
            i -> {
              LOG.info(
                  "intercept {} of app {} ({}) deleted by {}", name, app, i.owner(), who.user());
              ctx.response().setStatusCode(204).end();
            })
        .onFailure(ctx::fail);
  }

  private void renew(RoutingContext ctx) {
    String app = app(ctx);
    String name = name(ctx);
    allowed(ctx, Action.RENEW, app)
        .compose(v -> registry.renew(app, name, who(ctx).user()))
        .recover(e -> departures.explain(app, name, e))
        .onSuccess(i -> ApiAnswers.json(ctx, 200, new Renewal(i.expiresAt(), i.tunnel()).toJson()))
        .onFailure(ctx::fail);
  }

  private void routes(RoutingContext ctx) {
    String app = app(ctx);
    long since = longParam(ctx, "since", -1);
    int wait = (int) Math.min(Integer.MAX_VALUE, Math.max(0, longParam(ctx, "wait", 0)));
    polls.handle(ctx, who(ctx), app, since, wait);
  }

  private static long longParam(RoutingContext ctx, String name, long dflt) {
    String v = ctx.queryParams().get(name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(
          "query parameter '" + name + "' must be a whole number, got '" + v + "'");
    }
  }
}

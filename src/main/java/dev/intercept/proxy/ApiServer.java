package dev.intercept.proxy;

import dev.intercept.protocol.Intercept;
import dev.intercept.protocol.InterceptRequest;
import dev.intercept.protocol.InvalidInputException;
import dev.intercept.protocol.Names;
import dev.intercept.tunnel.TunnelKeys;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The proxy's HTTP API (DESIGN.md "Proxy HTTP API"), JSON under /api/v1. */
public class ApiServer extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  static final int MAX_BODY_BYTES = 64 * 1024;

  private final ProxySettings settings;
  private final InterceptRegistry registry;
  private final SshEndpoint ssh;
  private HttpServer server;
  private RoutePolls polls;

  /** What the API tells clients about the SSH server. */
  public record SshEndpoint(String publicHost, int port, String hostKey) {}

  private final java.util.function.BooleanSupplier ready;

  public ApiServer(
      ProxySettings settings,
      InterceptRegistry registry,
      SshEndpoint ssh,
      java.util.function.BooleanSupplier ready) {
    this.ready = ready;
    this.settings = settings;
    this.registry = registry;
    this.ssh = ssh;
  }

  @Override
  public Future<?> start() {
    polls = new RoutePolls(vertx, registry, settings.maxWaiters(), settings.maxPollWaitSeconds());
    Router r = Router.router(vertx);
    // every body is read (capped), whatever the method and route: a body left unread would desync
    // keep-alive; and no form decoding (vertx-web's BodyHandler fails with a 500 on OPTIONS forms)
    r.route().handler(ApiServer::readBody);
    r.get("/healthz").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "ok")));
    r.get("/readyz")
        .handler(
            ctx -> {
              boolean ok = ready.getAsBoolean();
              json(
                  ctx,
                  ok ? 200 : 503,
                  new JsonObject().put("status", ok ? "ready" : "not a live cluster member"));
            });
    r.put("/api/v1/apps/:app/intercepts/:name").handler(this::create);
    r.get("/api/v1/apps/:app/intercepts").handler(this::listApp);
    r.get("/api/v1/intercepts").handler(ctx -> respondList(ctx, registry.list(null)));
    r.delete("/api/v1/apps/:app/intercepts/:name").handler(this::delete);
    r.post("/api/v1/apps/:app/intercepts/:name/renew").handler(this::renew);
    r.get("/api/v1/apps/:app/routes").handler(this::routes);
    r.errorHandler(
        404,
        ctx ->
            error(
                ctx,
                404,
                "no such endpoint: " + ctx.request().method() + " " + ctx.request().path()));
    r.errorHandler(
        405,
        ctx ->
            error(
                ctx,
                405,
                "method " + ctx.request().method() + " not allowed on " + ctx.request().path()));
    r.errorHandler(
        413, ctx -> error(ctx, 413, "request body larger than " + MAX_BODY_BYTES + " bytes"));
    r.errorHandler(400, ctx -> error(ctx, 400, "bad request"));
    r.errorHandler(
        500,
        ctx -> {
          LOG.error("API failure on {}", ctx.request().path(), ctx.failure());
          error(ctx, 500, "internal error");
        });
    server = vertx.createHttpServer().requestHandler(r);
    return server.listen(settings.apiPort(), settings.listenHost());
  }

  @Override
  public Future<?> stop() {
    return server.shutdown(5, java.util.concurrent.TimeUnit.SECONDS);
  }

  public int actualPort() {
    return server.actualPort();
  }

  int waitingPolls() {
    return polls.waiting();
  }

  private static String[] appAndName(RoutingContext ctx) {
    return new String[] {
      Names.check("app", ctx.pathParam("app")), Names.check("intercept name", ctx.pathParam("name"))
    };
  }

  private void create(RoutingContext ctx) {
    String[] an;
    InterceptRequest req;
    try {
      an = appAndName(ctx);
      req = InterceptRequest.parse(ctx.<io.vertx.core.buffer.Buffer>get(BODY).toString());
      TunnelKeys.parse(req.publicKey());
    } catch (InvalidInputException e) {
      fail(ctx, e);
      return;
    }
    registry
        .create(an[0], an[1], req)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                fail(ctx, ar.cause());
                return;
              }
              Intercept i = ar.result();
              LOG.info(
                  "intercept {} of app {} registered: port {}, matchers {}",
                  i.name(),
                  i.app(),
                  i.port(),
                  i.matchers());
              JsonObject body =
                  i.toApiJson()
                      .put("sshUser", i.sshUser())
                      .put("sshHost", ssh.publicHost().isEmpty() ? null : ssh.publicHost())
                      .put("sshPort", ssh.port())
                      .put("hostKey", ssh.hostKey())
                      .put("leaseSeconds", registry.leaseMillis() / 1000.0);
              json(ctx, 201, body);
            });
  }

  private void listApp(RoutingContext ctx) {
    try {
      respondList(ctx, registry.list(Names.check("app", ctx.pathParam("app"))));
    } catch (InvalidInputException e) {
      fail(ctx, e);
    }
  }

  private void respondList(RoutingContext ctx, Future<List<Intercept>> list) {
    list.onComplete(
        ar -> {
          if (ar.failed()) {
            fail(ctx, ar.cause());
          } else {
            JsonArray a = new JsonArray();
            ar.result().forEach(i -> a.add(i.toApiJson()));
            json(ctx, 200, a);
          }
        });
  }

  private void delete(RoutingContext ctx) {
    try {
      String[] an = appAndName(ctx);
      registry
          .delete(an[0], an[1], ctx.queryParams().get("owner"))
          .onComplete(
              ar -> {
                if (ar.succeeded()) {
                  LOG.info("intercept {} of app {} deleted", an[1], an[0]);
                  ctx.response().setStatusCode(204).end();
                } else {
                  fail(ctx, ar.cause());
                }
              });
    } catch (InvalidInputException e) {
      fail(ctx, e);
    }
  }

  private void renew(RoutingContext ctx) {
    try {
      String[] an = appAndName(ctx);
      registry
          .renew(an[0], an[1], ctx.queryParams().get("owner"))
          .onComplete(
              ar -> {
                if (ar.succeeded()) {
                  json(
                      ctx,
                      200,
                      new JsonObject()
                          .put("expiresAt", ar.result().expiresAt())
                          .put(
                              "tunnel",
                              ar.result().tunnel() == null ? null : ar.result().tunnel().toJson()));
                } else {
                  fail(ctx, ar.cause());
                }
              });
    } catch (InvalidInputException e) {
      fail(ctx, e);
    }
  }

  private void routes(RoutingContext ctx) {
    try {
      String app = Names.check("app", ctx.pathParam("app"));
      long since = longParam(ctx, "since", -1);
      int wait = (int) longParam(ctx, "wait", 0);
      polls.handle(ctx, app, since, wait);
    } catch (InvalidInputException e) {
      fail(ctx, e);
    }
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

  private static final String BODY = "intercept.body";

  private static void readBody(RoutingContext ctx) {
    io.vertx.core.buffer.Buffer buf = io.vertx.core.buffer.Buffer.buffer();
    boolean[] tooLarge = {false};
    ctx.request()
        .handler(
            chunk -> {
              if (!tooLarge[0] && buf.length() + chunk.length() > MAX_BODY_BYTES) {
                tooLarge[0] = true;
                error(ctx, 413, "request body larger than " + MAX_BODY_BYTES + " bytes");
              } else if (!tooLarge[0]) {
                buf.appendBuffer(chunk);
              }
            });
    ctx.request()
        .endHandler(
            v -> {
              if (!tooLarge[0]) {
                ctx.put(BODY, buf);
                ctx.next();
              }
            });
  }

  static void json(RoutingContext ctx, int status, Object body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
  }

  static void error(RoutingContext ctx, int status, String message) {
    if (!ctx.response().ended()) {
      json(ctx, status, new JsonObject().put("error", message));
    }
  }

  static void fail(RoutingContext ctx, Throwable e) {
    if (e instanceof InvalidInputException bad) {
      error(ctx, bad.status(), bad.getMessage());
    } else if (e instanceof IllegalStateException busy) {
      error(ctx, 503, busy.getMessage());
    } else {
      LOG.error("API failure on {}", ctx.request().path(), e);
      error(ctx, 500, "internal error: " + e.getMessage());
    }
  }
}

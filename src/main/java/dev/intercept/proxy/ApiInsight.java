package dev.intercept.proxy;

import dev.intercept.Version;
import dev.intercept.protocol.Identity;
import dev.intercept.protocol.InvalidInputException;
import dev.intercept.protocol.Names;
import dev.intercept.protocol.Whoami;
import dev.intercept.proxy.access.Action;
import dev.intercept.proxy.access.Authorizer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * The API's questions about the API itself, for {@code status} and {@code explain}: who am I to the
 * proxy ({@code GET /api/v1/whoami}), and where would this request go ({@code POST
 * /api/v1/apps/APP/explain}). Mounted behind authentication.
 */
final class ApiInsight {
  private final Authorizer authorizer;
  private final InterceptRegistry registry;

  ApiInsight(Authorizer authorizer, InterceptRegistry registry) {
    this.authorizer = authorizer;
    this.registry = registry;
  }

  void mount(Router r) {
    r.get("/api/v1/whoami").handler(this::whoami);
    r.post("/api/v1/apps/:app/explain").handler(this::explain);
  }

  /** The caller as authenticated (user, roles), and which proxy answers. */
  private void whoami(RoutingContext ctx) {
    Identity who = ApiServer.who(ctx);
    ApiAnswers.json(
        ctx,
        200,
        new Whoami(who.user(), who.admin(), who.sidecar(), Version.NAME, registry.replicaId())
            .toJson());
  }

  private void explain(RoutingContext ctx) {
    String app = Names.check("app", ctx.pathParam("app"));
    Map<String, String> request = Explainer.request(json(RequestBody.of(ctx)));
    Identity who = ApiServer.who(ctx);
    authorizer
        .check(who, Action.LIST, app)
        .compose(v -> registry.list(app))
        .onSuccess(
            all -> ApiAnswers.json(ctx, 200, Explainer.explain(app, all, request, who).toJson()))
        .onFailure(ctx::fail);
  }

  static JsonObject json(String body) {
    try {
      return new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new InvalidInputException("body is not a JSON object");
    }
  }
}

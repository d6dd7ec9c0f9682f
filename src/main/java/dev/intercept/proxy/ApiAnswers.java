package dev.intercept.proxy;

import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.ErrorAnswer;
import dev.intercept.protocol.InvalidInputException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's answers: JSON bodies, and the one place where a failure becomes a status. Handlers
 * throw or {@code ctx.fail} an {@link ApiFailure}; anything else is a bug, logged and answered with
 * a 500 that tells nothing of its text.
 */
final class ApiAnswers {
  private static final Logger LOG = LoggerFactory.getLogger(ApiAnswers.class);
  static final ErrorAnswer INTERNAL = new ErrorAnswer("internal error", "internal");

  private ApiAnswers() {}

  static void json(RoutingContext ctx, int status, JsonObject body) {
    send(ctx, status, body.encode());
  }

  static void json(RoutingContext ctx, int status, JsonArray body) {
    send(ctx, status, body.encode());
  }

  private static void send(RoutingContext ctx, int status, String body) {
    HttpServerResponse r = ctx.response();
    if (!r.ended() && !r.closed()) {
      r.setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }
  }

  /** The router's failure and error handler: every request that failed ends here. */
  static void failed(RoutingContext ctx) {
    Throwable cause = ctx.failure();
    ApiFailure failure = cause instanceof ApiFailure f ? f : cause == null ? byStatus(ctx) : null;
    if (failure == null) {
      LOG.error("API failure on {} {}", ctx.request().method(), ctx.request().path(), cause);
      json(ctx, 500, INTERNAL.toJson());
      return;
    }
    if (!ctx.response().headWritten()) {
      if (failure.retryAfterSeconds() > 0) {
        ctx.response().putHeader("Retry-After", Integer.toString(failure.retryAfterSeconds()));
      }
      if (failure instanceof ApiFailure.Unauthenticated) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
      }
    }
    json(ctx, failure.status(), ErrorAnswer.of(failure).toJson());
  }

  /** What the router itself refused (no route, wrong method, body too large, bad request). */
  private static ApiFailure byStatus(RoutingContext ctx) {
    String call = ctx.request().method() + " " + ctx.request().path();
    return switch (ctx.statusCode()) {
      case 404 -> new ApiFailure.NotFound("no such endpoint: " + call);
      case 405 ->
          new ApiFailure.MethodNotAllowed(
              "method " + ctx.request().method() + " not allowed on " + ctx.request().path());
      case 413 ->
          new ApiFailure.TooLarge("request body larger than " + RequestBody.MAX_BYTES + " bytes");
      case 400 -> new InvalidInputException("bad request");
      default -> null;
    };
  }
}

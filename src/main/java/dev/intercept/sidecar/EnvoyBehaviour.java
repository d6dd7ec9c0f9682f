package dev.intercept.sidecar;

import dev.intercept.protocol.HostPort;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Envoy's connection manager does that an app can see: rewrites the forwarding headers ({@link
 * EnvoyRequestHeaders}; a request Envoy would refuse gets a 400 and its connection closed), adds an
 * x-request-id unless one came in, the expected timeout; keeps the original Host; answers 504 after
 * the route timeout and 503 when the upstream cannot be reached. One addition: a bodiless
 * GET/HEAD/OPTIONS whose tunnel died under it (its replica or client gone) is sent to the app once,
 * so losing a tunnel never shows as an error.
 */
final class EnvoyBehaviour implements ProxyInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(EnvoyBehaviour.class);

  private final String timeoutMs;
  private final Function<ProxyContext, Future<HttpClientRequest>> toApp;

  /** {@code toApp}: a request to the app, for the retry of a request whose tunnel died. */
  EnvoyBehaviour(int routeTimeoutSeconds, Function<ProxyContext, Future<HttpClientRequest>> toApp) {
    this.timeoutMs = Long.toString(routeTimeoutSeconds * 1000L);
    this.toApp = toApp;
  }

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
    ProxyRequest pr = ctx.request();
    HostAndPort authority = pr.proxiedRequest().authority();
    if (authority != null) {
      pr.setAuthority(authority);
    }
    if (!EnvoyRequestHeaders.rewrite(pr)) {
      return Future.succeededFuture(refused(pr));
    }
    MultiMap h = pr.headers();
    if (!h.contains("x-request-id")) {
      h.set("x-request-id", UUID.randomUUID().toString());
    }
    h.set("x-envoy-expected-rq-timeout-ms", timeoutMs);
    MultiMap sent = MultiMap.caseInsensitiveMultiMap().addAll(h);
    return ctx.sendRequest()
        .recover(
            e -> {
              if (ctx.get(BuiltinRouter.TARGET, HostPort.class) != null
                  && retriable(pr)
                  && !timedOut(e)) {
                LOG.debug(
                    "tunnel {} failed before answering ({}): retrying on the app",
                    ctx.get(BuiltinRouter.TARGET, HostPort.class),
                    e.getMessage());
                return onApp(ctx, sent).recover(e2 -> Future.succeededFuture(envoyError(ctx, e2)));
              }
              return Future.succeededFuture(envoyError(ctx, e));
            });
  }

  private boolean retriable(ProxyRequest pr) {
    HttpServerRequest in = pr.proxiedRequest();
    boolean idempotent =
        in.method() == HttpMethod.GET
            || in.method() == HttpMethod.HEAD
            || in.method() == HttpMethod.OPTIONS;
    String len = in.getHeader("content-length");
    return idempotent
        && (len == null || len.equals("0"))
        && in.getHeader("transfer-encoding") == null;
  }

  private Future<ProxyResponse> onApp(ProxyContext ctx, MultiMap headers) {
    ProxyRequest pr = ctx.request();
    return toApp
        .apply(ctx)
        .compose(
            req -> {
              req.setMethod(pr.getMethod()).setURI(pr.getURI());
              headers.forEach(
                  e -> {
                    if (!HOP_BY_HOP.contains(e.getKey().toLowerCase(Locale.ROOT))
                        && !e.getKey().equalsIgnoreCase("host")) {
                      req.headers().add(e.getKey(), e.getValue());
                    }
                  });
              if (pr.proxiedRequest().authority() != null) {
                req.authority(pr.proxiedRequest().authority());
              }
              return req.send();
            })
        .map(
            resp -> {
              ProxyResponse r = pr.response().setStatusCode(resp.statusCode());
              r.headers().clear();
              resp.headers()
                  .forEach(
                      e -> {
                        if (!HOP_BY_HOP.contains(e.getKey().toLowerCase(Locale.ROOT))) {
                          r.headers().add(e.getKey(), e.getValue());
                        }
                      });
              String len = resp.getHeader("content-length");
              r.setBody(
                  Body.body(
                      resp,
                      len == null ? -1 : Long.parseLong(len),
                      resp.getHeader("content-type")));
              return r;
            });
  }

  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");

  /** The route timeout (the upstream's idle timeout) fired, anywhere in the cause chain. */
  private static boolean timedOut(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** Envoy's answer to a request its codec refuses: 400, and the connection closed after it. */
  private static ProxyResponse refused(ProxyRequest pr) {
    HttpServerRequest in = pr.proxiedRequest();
    in.response().endHandler(v -> in.connection().close());
    ProxyResponse r = pr.release().response().setStatusCode(400);
    r.headers().clear();
    r.headers().set("connection", "close").set("content-length", "0");
    return r.setBody(null);
  }

  /** Envoy's answers when the upstream fails before its response headers. */
  private static ProxyResponse envoyError(ProxyContext ctx, Throwable e) {
    boolean timeout = timedOut(e);
    String body =
        timeout
            ? "upstream request timeout"
            : "upstream connect error or disconnect/reset before headers";
    ProxyResponse r = ctx.request().release().response();
    r.headers().clear();
    return r.setStatusCode(timeout ? 504 : 503)
        .setBody(Body.body(Buffer.buffer(body), MediaType.parse("text/plain")));
  }
}

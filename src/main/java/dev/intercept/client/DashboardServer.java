package dev.intercept.client;

import dev.intercept.api.Credentials;
import dev.intercept.protocol.PersonalId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * {@code dashboard}: the proxy's status page on this machine. A loopback server that passes the
 * page and its live feed (GET only, nothing else) to the proxy with this client's token, under a
 * path with 128 random bits in it, so other local users and web pages (DNS rebinding: the Host
 * header must be this server's) cannot borrow the token.
 */
public final class DashboardServer {
  private static final Map<String, String> ALLOWED =
      Map.of("", "/", "api/v1/events", "/api/v1/events");
  private static final Set<String> LOCAL_HOSTS = Set.of("127.0.0.1", "localhost");

  private final Vertx vertx;
  private final URI proxy;
  private final Credentials credentials;
  private final String secret = PersonalId.fresh();
  private HttpServer server;
  private HttpClient client;

  public DashboardServer(Vertx vertx, URI proxy, Credentials credentials) {
    this.vertx = vertx;
    this.proxy = proxy;
    this.credentials = credentials;
  }

  /** Listens on 127.0.0.1:{@code port} (0: any); answers the page's URL. */
  public Future<String> start(int port) {
    client =
        vertx.createHttpClient(
            new HttpClientOptions().setConnectTimeout(5_000).setIdleTimeout(0).setKeepAlive(true));
    server = vertx.createHttpServer().requestHandler(this::handle);
    return server
        .listen(port, "127.0.0.1")
        .map(s -> "http://127.0.0.1:" + s.actualPort() + "/s/" + secret + "/");
  }

  private void handle(HttpServerRequest req) {
    String prefix = "/s/" + secret + "/";
    String host = req.authority() == null ? "" : req.authority().host();
    String path = req.path();
    String target = path.startsWith(prefix) ? ALLOWED.get(path.substring(prefix.length())) : null;
    if (req.method() != HttpMethod.GET || target == null || !LOCAL_HOSTS.contains(host)) {
      req.response().setStatusCode(404).end("not found\n");
      return;
    }
    req.pause();
    RequestOptions o =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost(proxy.getHost())
            .setPort(proxy.getPort() < 0 ? 80 : proxy.getPort())
            .setURI(proxy.getPath().replaceAll("/$", "") + target)
            .putHeader("Accept", req.getHeader("Accept") == null ? "*/*" : req.getHeader("Accept"));
    String token = credentials.token();
    if (token != null) {
      o.putHeader("Authorization", "Bearer " + token);
    }
    client
        .request(o)
        .compose(up -> up.send())
        .onSuccess(
            resp -> {
              req.response().setStatusCode(resp.statusCode()).setChunked(true);
              resp.headers()
                  .forEach(
                      (k, v) -> {
                        if (!k.equalsIgnoreCase("transfer-encoding")
                            && !k.equalsIgnoreCase("content-length")
                            && !k.equalsIgnoreCase("connection")) {
                          req.response().putHeader(k, v);
                        }
                      });
              resp.pipeTo(req.response());
              req.response().closeHandler(v -> resp.request().connection().close());
            })
        .onFailure(
            e -> {
              if (!req.response().ended()) {
                req.response()
                    .setStatusCode(502)
                    .end("the proxy did not answer: " + e.getMessage() + "\n");
              }
            });
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close().compose(v -> client.close());
  }
}

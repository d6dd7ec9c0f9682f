package dev.intercept.client;

import dev.intercept.protocol.InterceptRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;

/**
 * The client's calls to the proxy API. Several proxy URLs are tried in turn; every call has a
 * timeout; failures carry a one-line message fit for the user.
 */
public class ProxyApiClient {
  private final HttpClient http;
  private final List<URI> urls;
  private final long timeoutMs;
  private volatile int current;

  /** A call the proxy answered with an error status; message is the proxy's reason. */
  public static final class ApiError extends RuntimeException {
    private final int status;

    ApiError(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /** The proxy could not be reached at any URL. */
  public static final class Unreachable extends RuntimeException {
    Unreachable(String message) {
      super(message, null, false, false);
    }
  }

  public ProxyApiClient(Vertx vertx, List<URI> urls, long timeoutMs) {
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions().setConnectTimeout((int) timeoutMs).setKeepAlive(true));
    this.urls = urls;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Moves on to the next proxy URL (what it told us led nowhere, e.g. a dead replica's SSH port).
   */
  public void skipCurrent() {
    current = (current + 1) % urls.size();
  }

  /** The proxy URL in use (the one that last answered). */
  public URI currentUrl() {
    return urls.get(current);
  }

  public Future<JsonObject> create(String app, String name, InterceptRequest req) {
    return call(
            HttpMethod.PUT, "/api/v1/apps/" + app + "/intercepts/" + name, req.toJson().encode())
        .map(b -> new JsonObject(b));
  }

  public Future<JsonObject> renew(String app, String name, String owner) {
    return call(
            HttpMethod.POST,
            "/api/v1/apps/" + app + "/intercepts/" + name + "/renew" + ownerQuery(owner),
            "")
        .map(b -> new JsonObject(b));
  }

  public Future<Void> delete(String app, String name, String owner) {
    return call(
            HttpMethod.DELETE,
            "/api/v1/apps/" + app + "/intercepts/" + name + ownerQuery(owner),
            null)
        .mapEmpty();
  }

  private static String ownerQuery(String owner) {
    return owner == null
        ? ""
        : "?owner=" + java.net.URLEncoder.encode(owner, java.nio.charset.StandardCharsets.UTF_8);
  }

  public Future<JsonArray> list(String app) {
    return call(
            HttpMethod.GET,
            app == null ? "/api/v1/intercepts" : "/api/v1/apps/" + app + "/intercepts",
            null)
        .map(b -> new JsonArray(b));
  }

  private Future<Buffer> call(HttpMethod method, String path, String body) {
    return attempt(method, path, body, 0, null);
  }

  private Future<Buffer> attempt(
      HttpMethod method, String path, String body, int tried, String lastError) {
    if (tried == urls.size()) {
      return Future.failedFuture(
          new Unreachable("cannot reach the proxy at " + describeUrls() + ": " + lastError));
    }
    int index = (current + tried) % urls.size();
    URI base = urls.get(index);
    RequestOptions opts =
        new RequestOptions()
            .setMethod(method)
            .setHost(base.getHost())
            .setPort(base.getPort() < 0 ? 80 : base.getPort())
            .setURI((base.getPath() == null ? "" : base.getPath().replaceAll("/+$", "")) + path)
            .setIdleTimeout(timeoutMs)
            .putHeader("Content-Type", "application/json");
    return http.request(opts)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(
            resp ->
                resp.body()
                    .map(
                        b -> {
                          current = index;
                          if (resp.statusCode() >= 400) {
                            String reason;
                            try {
                              reason = new JsonObject(b).getString("error", b.toString());
                            } catch (RuntimeException e) {
                              reason = "HTTP " + resp.statusCode() + " " + resp.statusMessage();
                            }
                            throw new ApiError(resp.statusCode(), reason);
                          }
                          return b;
                        }))
        .recover(
            e ->
                e instanceof ApiError
                    ? Future.failedFuture(e)
                    : attempt(
                        method,
                        path,
                        body,
                        tried + 1,
                        e.getMessage() == null ? e.toString() : e.getMessage()));
  }

  private String describeUrls() {
    return urls.size() == 1 ? urls.get(0).toString() : urls.toString();
  }
}

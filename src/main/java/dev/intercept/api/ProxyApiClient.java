package dev.intercept.api;

import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.ErrorAnswer;
import dev.intercept.protocol.Explanation;
import dev.intercept.protocol.InterceptRequest;
import dev.intercept.protocol.ListedIntercept;
import dev.intercept.protocol.Registration;
import dev.intercept.protocol.Renewal;
import dev.intercept.protocol.RouteTable;
import dev.intercept.protocol.Whoami;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The proxy API's one client, for the sidecar (route long-polls) and the developer's CLI
 * (intercepts). Several proxy URLs are tried in turn, from the one that last answered; every call
 * has a timeout; answers come back as the records of {@code protocol} and failures as {@link
 * ApiFailure}s: the proxy's refusals by their code, and {@link ApiFailure.Refused} or {@link
 * ApiFailure.TimedOut} when no URL answered.
 */
public final class ProxyApiClient {
  private static final String BASE = "/api/v1";

  private final HttpClient http;
  private final Context context;
  private final List<URI> urls;
  private final long timeoutMs;
  private final Credentials credentials;
  private volatile int current;

  public ProxyApiClient(Vertx vertx, List<URI> urls, long timeoutMs, Credentials credentials) {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("no proxy URL");
    }
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions().setConnectTimeout((int) timeoutMs).setKeepAlive(true));
    this.context = vertx.getOrCreateContext();
    this.urls = List.copyOf(urls);
    this.timeoutMs = timeoutMs;
    this.credentials = credentials;
  }

  /** Moves on to the next proxy URL (what the current one said led nowhere). */
  public void skipCurrent() {
    current = (current + 1) % urls.size();
  }

  /** The credentials every call carries (the dashboard passes them on). */
  public Credentials credentials() {
    return credentials;
  }

  /** The Vert.x this client runs on. */
  public Vertx vertx() {
    return context.owner();
  }

  /** The proxy URL in use: the one that last answered. */
  public URI currentUrl() {
    return urls.get(current);
  }

  public Future<Registration> register(String app, String name, InterceptRequest req) {
    return call(
        HttpMethod.PUT,
        intercept(app, name),
        req.toJson().encode(),
        timeoutMs,
        b -> Registration.fromJson(new JsonObject(b)));
  }

  public Future<Renewal> renew(String app, String name) {
    return call(
        HttpMethod.POST,
        intercept(app, name) + "/renew",
        "",
        timeoutMs,
        b -> Renewal.fromJson(new JsonObject(b)));
  }

  public Future<Void> delete(String app, String name) {
    return call(HttpMethod.DELETE, intercept(app, name), null, timeoutMs, b -> null);
  }

  /**
   * Deletes the intercept for good: the client still running it stops (its renewal and
   * re-registration are answered 410) instead of registering it again.
   */
  public Future<Void> leave(String app, String name) {
    return call(
        HttpMethod.DELETE, intercept(app, name) + "?leave=true", null, timeoutMs, b -> null);
  }

  /** The proxy's {@code /healthz} answer: its status ("ok"). */
  public Future<String> health() {
    return call(
        HttpMethod.GET,
        "/healthz",
        null,
        timeoutMs,
        b -> new JsonObject(b).getString("status", "(no status)"));
  }

  /** Who this client is to the proxy, and which proxy answers. */
  public Future<Whoami> whoami() {
    return call(
        HttpMethod.GET, BASE + "/whoami", null, timeoutMs, b -> Whoami.fromJson(new JsonObject(b)));
  }

  /**
   * Where a request with these headers (lower-case names, pseudo-headers included) would go among
   * {@code app}'s intercepts.
   */
  public Future<Explanation> explain(String app, Map<String, String> headers) {
    JsonObject h = new JsonObject();
    headers.forEach(h::put);
    return call(
        HttpMethod.POST,
        BASE + "/apps/" + app + "/explain",
        new JsonObject().put("headers", h).encode(),
        timeoutMs,
        b -> Explanation.fromJson(new JsonObject(b)));
  }

  /** A sidecar's per-route running totals (the proxy sums them per intercept). */
  public Future<Void> stats(String app, JsonObject report) {
    return call(
        HttpMethod.POST, BASE + "/apps/" + app + "/stats", report.encode(), timeoutMs, b -> null);
  }

  /** The intercepts of {@code app}, or of every app when null. */
  public Future<List<ListedIntercept>> list(String app) {
    String path = app == null ? BASE + "/intercepts" : BASE + "/apps/" + app + "/intercepts";
    return call(
        HttpMethod.GET,
        path,
        null,
        timeoutMs,
        b -> new JsonArray(b).stream().map(o -> ListedIntercept.fromJson((JsonObject) o)).toList());
  }

  /**
   * The app's route table: at once when its version differs from {@code since}, else when it
   * changes or after {@code waitSeconds} (a long-poll, so the call's timeout is that much longer).
   */
  public Future<RouteTable> routes(String app, long since, int waitSeconds) {
    return call(
        HttpMethod.GET,
        BASE + "/apps/" + app + "/routes?since=" + since + "&wait=" + waitSeconds,
        null,
        waitSeconds * 1000L + timeoutMs,
        b -> RouteTable.fromJson(new JsonObject(b)));
  }

  public Future<Void> close() {
    return http.close();
  }

  private static String intercept(String app, String name) {
    return BASE + "/apps/" + app + "/intercepts/" + name;
  }

  /**
   * Every call runs on the one context this client was made on, whatever thread asks: a response
   * read on another context than the one its request was sent from can lose its first chunks or its
   * end (Vert.x hands them to a handler that is not set yet), seen here as truncated or hung
   * answers from callers on plain threads.
   */
  private <T> Future<T> call(
      HttpMethod method, String path, String body, long timeout, Function<Buffer, T> read) {
    Supplier<Future<T>> once = () -> attempt(method, path, body, timeout, read, 0, null);
    // a refused token may have expired: get a new one (if the source can) and try once more
    Supplier<Future<T>> call =
        () ->
            once.get()
                .recover(
                    e ->
                        e instanceof ApiFailure.Unauthenticated
                            ? credentials
                                .refresh()
                                .compose(fresh -> fresh ? once.get() : Future.failedFuture(e))
                            : Future.failedFuture(e));
    if (Vertx.currentContext() == context) {
      return call.get();
    }
    Promise<T> answered = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(answered));
    return answered.future();
  }

  private <T> Future<T> attempt(
      HttpMethod method,
      String path,
      String body,
      long timeout,
      Function<Buffer, T> read,
      int tried,
      ApiFailure last) {
    if (tried == urls.size()) {
      return Future.failedFuture(last);
    }
    int index = (current + tried) % urls.size();
    URI base = urls.get(index);
    RequestOptions opts =
        new RequestOptions()
            .setMethod(method)
            .setHost(base.getHost())
            .setPort(base.getPort() < 0 ? 80 : base.getPort())
            .setURI(join(base, path))
            .setIdleTimeout(timeout)
            .putHeader("Content-Type", "application/json");
    String token = credentials.token();
    if (token != null) {
      opts.putHeader("Authorization", "Bearer " + token);
    }
    return http.request(opts)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(
            resp ->
                resp.body()
                    .map(
                        b -> {
                          current = index;
                          return answer(base, resp, b, read);
                        }))
        .recover(
            e ->
                e instanceof ApiFailure answered
                    ? Future.failedFuture(answered)
                    : attempt(method, path, body, timeout, read, tried + 1, unreachable(e)));
  }

  private static String join(URI base, String path) {
    String prefix = base.getPath() == null ? "" : base.getPath().replaceAll("/+$", "");
    return prefix + path;
  }

  private <T> T answer(URI base, HttpClientResponse resp, Buffer b, Function<Buffer, T> read) {
    int status = resp.statusCode();
    if (status >= 400) {
      throw ApiFailure.fromAnswer(
          status,
          ErrorAnswer.fromJson(b.toString(), "HTTP " + status + " " + resp.statusMessage()),
          resp.getHeader("Retry-After"));
    }
    try {
      return read.apply(b);
    } catch (RuntimeException e) {
      throw new ApiFailure.Rejected(
          status, "the proxy at " + base + " gave an answer this client cannot read");
    }
  }

  /** The proxy could not be reached at one URL: timed out, or refused for another reason. */
  private ApiFailure unreachable(Throwable e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String where = "cannot reach the proxy at " + (urls.size() == 1 ? urls.get(0) : urls) + ": ";
    boolean timedOut = e instanceof TimeoutException || e instanceof ConnectTimeoutException;
    return timedOut ? new ApiFailure.TimedOut(where + why) : new ApiFailure.Refused(where + why);
  }
}

package dev.intercept.bench;

import dev.intercept.OnContext;
import dev.intercept.ProxyFixture;
import dev.intercept.config.ConfigKey;
import dev.intercept.it.HostileRegexIT;
import dev.intercept.it.Http;
import dev.intercept.tunnel.TunnelKeys;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the overlap analysis costs a registration (issue 11): bob registers (PUT, then DELETE, not
 * timed) beside 0, 10 and 100 intercepts of alice on the same app, each with two matchers and
 * disjoint from bob's, so every one of them is analysed. p50 and p99 of {@code n} registrations,
 * after a pass that is not printed (the JIT).
 */
public final class PolicyBench {
  private static final String KEY = TunnelKeys.toOpenSsh(TunnelKeys.generate().getPublic());

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    System.out.println(
        "| existing intercepts of others on the app | PUT p50 (ms) | PUT p99 (ms) |");
    System.out.println("| --- | --- | --- |");
    boolean warmUp = true;
    for (int existing : new int[] {10, 0, 10, 100}) {
      Map<ConfigKey<?>, Object> settings =
          Map.of(
              ConfigKey.MAX_INTERCEPTS, 1000,
              ConfigKey.FORWARD_PORTS, Http.freePorts(existing + 2),
              ConfigKey.LEASE_SECONDS, 3600);
      try (ProxyFixture proxy = ProxyFixture.start(settings)) {
        HttpClient http =
            proxy
                .vertx()
                .createHttpClient(
                    new HttpClientOptions().setKeepAlive(true),
                    new PoolOptions().setHttp1MaxSize(1));
        OnContext calls = new OnContext(proxy.vertx());
        call(calls, http, proxy, "sidecar", HttpMethod.GET, "/api/v1/apps/myapp/routes", null);
        for (int i = 0; i < existing; i++) {
          call(
              calls,
              http,
              proxy,
              "alice",
              HttpMethod.PUT,
              "/api/v1/apps/myapp/intercepts/a" + i,
              body(":path", "/svc-" + i + "/v[0-9]+/.*", "x-team", "(?i)team-" + i));
        }
        List<Long> puts = new ArrayList<>();
        for (int i = 0; i < n + n / 5; i++) {
          long t0 = System.nanoTime();
          call(
              calls,
              http,
              proxy,
              "bob",
              HttpMethod.PUT,
              "/api/v1/apps/myapp/intercepts/b",
              body(":path", "/bob/.*ark" + i + ".*", "x-dev", "bob|robert"));
          long t1 = System.nanoTime();
          call(
              calls,
              http,
              proxy,
              "bob",
              HttpMethod.DELETE,
              "/api/v1/apps/myapp/intercepts/b",
              null);
          if (i >= n / 5) {
            puts.add(t1 - t0);
          }
        }
        if (!warmUp) {
          System.out.printf(
              "| %d | %.2f | %.2f |%n", existing, AuthBench.ms(puts, 50), AuthBench.ms(puts, 99));
        }
        warmUp = false;
      }
    }
    hostile();
  }

  /**
   * What refusing each of HostileRegexIT's regexes costs: bob registers it beside 4 intercepts of
   * alice, 20 times; status, p50 and max.
   */
  static void hostile() throws Exception {
    System.out.println();
    System.out.println("| hostile regex (`:path`) | status | p50 (ms) | max (ms) |");
    System.out.println("| --- | --- | --- | --- |");
    Map<ConfigKey<?>, Object> settings =
        Map.of(ConfigKey.FORWARD_PORTS, Http.freePorts(12), ConfigKey.LEASE_SECONDS, 3600);
    try (ProxyFixture proxy = ProxyFixture.start(settings)) {
      HttpClient http =
          proxy
              .vertx()
              .createHttpClient(
                  new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(1));
      OnContext calls = new OnContext(proxy.vertx());
      call(calls, http, proxy, "sidecar", HttpMethod.GET, "/api/v1/apps/myapp/routes", null);
      for (int i = 0; i < 4; i++) {
        call(
            calls,
            http,
            proxy,
            "alice",
            HttpMethod.PUT,
            "/api/v1/apps/myapp/intercepts/a" + i,
            body(":path", "/svc-" + i + "/v[0-9]+/.*", "x-team", "(?i)team-" + i));
      }
      for (var e : HostileRegexIT.HOSTILE.entrySet()) {
        List<Long> times = new ArrayList<>();
        int status = 0;
        for (int i = 0; i < 20; i++) {
          long t0 = System.nanoTime();
          status =
              status(
                  calls,
                  http,
                  proxy,
                  "bob",
                  HttpMethod.PUT,
                  "/api/v1/apps/myapp/intercepts/bomb",
                  body(":path", e.getKey()));
          times.add(System.nanoTime() - t0);
        }
        System.out.printf(
            "| `%s` | %d | %.1f | %.1f |%n",
            e.getKey().replace("|", "\\|"),
            status,
            AuthBench.ms(times, 50),
            AuthBench.ms(times, 100));
      }
    }
  }

  static String body(String... pairs) {
    JsonArray matchers = new JsonArray();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      matchers.add(new JsonObject().put("header", pairs[i]).put("regex", pairs[i + 1]));
    }
    return new JsonObject().put("matchers", matchers).put("publicKey", KEY).encode();
  }

  static void call(
      OnContext calls,
      HttpClient http,
      ProxyFixture proxy,
      String user,
      HttpMethod method,
      String path,
      String body)
      throws Exception {
    int status = status(calls, http, proxy, user, method, path, body);
    if (status >= 300) {
      throw new IllegalStateException(method + " " + path + " as " + user + ": " + status);
    }
  }

  static int status(
      OnContext calls,
      HttpClient http,
      ProxyFixture proxy,
      String user,
      HttpMethod method,
      String path,
      String body)
      throws Exception {
    return calls.await(
        () ->
            http.request(
                    new RequestOptions()
                        .setMethod(method)
                        .setHost("127.0.0.1")
                        .setPort(proxy.apiPort())
                        .setURI(path)
                        .putHeader("Authorization", "Bearer " + proxy.token(user)))
                .compose(r -> body == null ? r.send() : r.send(Buffer.buffer(body)))
                .compose(resp -> resp.body().map(b -> resp.statusCode())));
  }

  private PolicyBench() {}
}

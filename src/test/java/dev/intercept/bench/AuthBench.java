package dev.intercept.bench;

import dev.intercept.OnContext;
import dev.intercept.ProxyFixture;
import dev.intercept.config.ConfigKey;
import dev.intercept.tunnel.TunnelKeys;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What authentication adds to an API call (issue 10): a registration (PUT then DELETE) and a route
 * poll, one after the other on a kept-alive connection, on an in-JVM proxy with --auth=none and
 * with --auth=token-file. Medians and p90 of {@code n} calls each, after a warm-up.
 */
public final class AuthBench {
  private static final String KEY = TunnelKeys.toOpenSsh(TunnelKeys.generate().getPublic());

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    System.out.println(
        "| auth | PUT intercept p50 (ms) | PUT p90 (ms) | route poll p50 (ms) | poll p90 (ms) |");
    System.out.println("| --- | --- | --- | --- | --- |");
    for (String mode : List.of("none", "token-file", "none", "token-file")) {
      try (ProxyFixture proxy = ProxyFixture.start(Map.of(ConfigKey.AUTH, mode))) {
        measure(proxy, mode, !mode.equals("none"), n);
      }
    }
    KubernetesMockServer api = reviewingApiServer();
    try {
      // fabric8's configuration from system properties: the proxy's client talks to the mock
      System.setProperty("kubernetes.master", api.url("/"));
      System.setProperty("kubernetes.auth.tryKubeConfig", "false");
      System.setProperty("kubernetes.auth.tryServiceAccount", "false");
      for (int cache : new int[] {10, 0}) {
        Map<ConfigKey<?>, Object> k8s =
            Map.of(
                ConfigKey.AUTH,
                "kubernetes",
                ConfigKey.AUTH_CACHE_SECONDS,
                cache,
                ConfigKey.SIDECAR_ACCOUNTS,
                "default:sidecar");
        try (ProxyFixture proxy = ProxyFixture.start(k8s)) {
          measure(proxy, "kubernetes, mock API server, cache " + cache + " s", true, n);
        }
      }
    } finally {
      api.destroy();
    }
    System.out.println();
    System.out.println(
        "(none and token-file run twice each, alternating, so drift on this noisy machine shows."
            + " The kubernetes rows use fabric8's mock API server in this JVM, which answers every"
            + " review at once: they show our side of a review, not a real API server's latency.)");
  }

  /** Every token is a user named by the token; the token "sidecar..." a sidecar; all allowed. */
  static KubernetesMockServer reviewingApiServer() {
    KubernetesMockServer server = new KubernetesMockServer(false);
    server.init();
    server
        .expect()
        .post()
        .withPath("/apis/authentication.k8s.io/v1/tokenreviews")
        .andReply(
            201,
            req -> {
              JsonObject review = new JsonObject(req.getUtf8Body());
              String token = review.getJsonObject("spec").getString("token");
              return review
                  .put(
                      "status",
                      new JsonObject()
                          .put("authenticated", true)
                          .put(
                              "user",
                              new JsonObject()
                                  .put("username", "system:serviceaccount:default:" + token)
                                  .put("uid", token)))
                  .encode();
            })
        .always();
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
        .andReply(
            201,
            req ->
                new JsonObject(req.getUtf8Body())
                    .put("status", new JsonObject().put("allowed", true))
                    .encode())
        .always();
    return server;
  }

  static void measure(ProxyFixture proxy, String mode, boolean tokens, int n) throws Exception {
    HttpClient http =
        proxy
            .vertx()
            .createHttpClient(
                new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(1));
    OnContext calls = new OnContext(proxy.vertx());
    boolean k8s = mode.startsWith("kubernetes");
    String dev = !tokens ? null : k8s ? "alice" : proxy.token("alice");
    String sidecar = !tokens ? null : k8s ? "sidecar" : proxy.token("sidecar");
    call(calls, http, proxy, sidecar, HttpMethod.GET, "/api/v1/apps/myapp/routes?since=-1", null);
    String body =
        new JsonObject()
            .put(
                "matchers",
                new JsonArray().add(new JsonObject().put("header", ":path").put("regex", "/b")))
            .put("publicKey", KEY)
            .encode();
    List<Long> puts = new ArrayList<>();
    List<Long> polls = new ArrayList<>();
    for (int i = 0; i < n + n / 5; i++) {
      long t0 = System.nanoTime();
      call(calls, http, proxy, dev, HttpMethod.PUT, "/api/v1/apps/myapp/intercepts/b", body);
      long t1 = System.nanoTime();
      call(calls, http, proxy, dev, HttpMethod.DELETE, "/api/v1/apps/myapp/intercepts/b", null);
      long t2 = System.nanoTime();
      call(calls, http, proxy, sidecar, HttpMethod.GET, "/api/v1/apps/myapp/routes?since=-1", null);
      long t3 = System.nanoTime();
      if (i >= n / 5) { // the first fifth warms the JIT up
        puts.add(t1 - t0);
        polls.add(t3 - t2);
      }
    }
    System.out.printf(
        "| %s | %.2f | %.2f | %.2f | %.2f |%n",
        mode, ms(puts, 50), ms(puts, 90), ms(polls, 50), ms(polls, 90));
  }

  static void call(
      OnContext calls,
      HttpClient http,
      ProxyFixture proxy,
      String token,
      HttpMethod method,
      String path,
      String body)
      throws Exception {
    int status =
        calls.await(
            () -> {
              RequestOptions o =
                  new RequestOptions()
                      .setMethod(method)
                      .setHost("127.0.0.1")
                      .setPort(proxy.apiPort())
                      .setURI(path);
              if (token != null) {
                o.putHeader("Authorization", "Bearer " + token);
              }
              return http.request(o)
                  .compose(r -> body == null ? r.send() : r.send(Buffer.buffer(body)))
                  .compose(resp -> resp.body().map(b -> resp.statusCode()));
            });
    if (status >= 300) {
      throw new IllegalStateException(method + " " + path + ": " + status);
    }
  }

  static double ms(List<Long> nanos, int percentile) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percentile / 100)) / 1e6;
  }

  private AuthBench() {}
}

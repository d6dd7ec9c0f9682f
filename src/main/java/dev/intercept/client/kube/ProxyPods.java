package dev.intercept.client.kube;

import dev.intercept.client.UserError;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The proxy's pods, as the Kubernetes API lists them: those labelled {@code
 * app.kubernetes.io/name=intercept-proxy} in the proxy's namespace that are Ready, with the
 * container ports named {@code api} and {@code ssh}. A pod whose port-forward just failed is
 * avoided for a while when another is ready (the API still lists a crashed replica as Ready until
 * its probe fails). Every failure the user can fix is one {@link UserError} line.
 */
final class ProxyPods {
  static final String LABEL = "app.kubernetes.io/name";
  static final String NAME = "intercept-proxy";
  private static final long AVOID_MS = 30_000;

  /** One ready proxy pod and the container ports to forward to. */
  record ProxyPod(String namespace, String name, String ip, int apiPort, int sshPort) {
    String ref() {
      return namespace + "/" + name;
    }
  }

  private final KubernetesClient k8s;
  private final Kubeconfig kubeconfig;
  private final String namespace;
  private final long timeoutMs;
  private final Map<String, Long> avoided = new ConcurrentHashMap<>();
  private volatile List<ProxyPod> lastListed = List.of();

  ProxyPods(KubernetesClient k8s, Kubeconfig kubeconfig, String namespace, long timeoutMs) {
    this.k8s = k8s;
    this.kubeconfig = kubeconfig;
    this.namespace = namespace;
    this.timeoutMs = timeoutMs;
  }

  /** A ready pod, one that has not failed lately if there is one. Blocking (lists the pods). */
  ProxyPod pick() {
    List<ProxyPod> ready = list();
    long now = System.currentTimeMillis();
    List<ProxyPod> fresh =
        ready.stream().filter(p -> avoided.getOrDefault(p.name(), 0L) < now).toList();
    List<ProxyPod> from = fresh.isEmpty() ? ready : fresh;
    return from.get(ThreadLocalRandom.current().nextInt(from.size()));
  }

  /** The ready pod with IP {@code ip} as last listed, or null. Never blocks. */
  ProxyPod withIp(String ip) {
    return lastListed.stream().filter(p -> p.ip().equals(ip)).findFirst().orElse(null);
  }

  /** How many ready pods the last list found. */
  int lastCount() {
    return lastListed.size();
  }

  /** Its port-forward failed: pick others for a while. */
  void avoid(ProxyPod p) {
    avoided.put(p.name(), System.currentTimeMillis() + AVOID_MS);
  }

  boolean avoided(ProxyPod p) {
    return avoided.getOrDefault(p.name(), 0L) >= System.currentTimeMillis();
  }

  /** The ready proxy pods, never empty: none is a {@link UserError}. Blocking. */
  List<ProxyPod> list() {
    List<JsonObject> ready =
        items().stream().map(JsonObject.class::cast).filter(ProxyPods::ready).toList();
    if (ready.isEmpty()) {
      throw new UserError(
          "no ready pod labelled "
              + LABEL
              + "="
              + NAME
              + " in namespace "
              + namespace
              + " (context "
              + kubeconfig.context()
              + "): is the proxy installed? see docs/kubernetes.md");
    }
    List<ProxyPod> usable = new ArrayList<>();
    for (JsonObject p : ready) {
      Integer api = port(p, "api");
      Integer ssh = port(p, "ssh");
      if (api != null && ssh != null) {
        usable.add(
            new ProxyPod(
                namespace, name(p), p.getJsonObject("status").getString("podIP"), api, ssh));
      }
    }
    if (usable.isEmpty()) {
      throw new UserError(
          "pod "
              + namespace
              + "/"
              + name(ready.get(0))
              + " has no container ports named 'api' and 'ssh' (install's manifests name them):"
              + " is it an intercept proxy?");
    }
    lastListed = List.copyOf(usable);
    return lastListed;
  }

  /**
   * The pods with the proxy's label, as JSON: read with Vert.x's parser rather than fabric8's typed
   * model, whose first use costs the client's start-up ~200 ms of class loading for the few fields
   * read here. The request is fabric8's, with the context's credentials.
   */
  private JsonArray items() {
    HttpClient http = k8s.getHttpClient();
    URI uri =
        URI.create(
            kubeconfig.server()
                + "/api/v1/namespaces/"
                + namespace
                + "/pods?labelSelector="
                + URLEncoder.encode(LABEL + "=" + NAME, StandardCharsets.UTF_8));
    HttpResponse<String> answer;
    try {
      answer =
          http.sendAsync(http.newHttpRequestBuilder().uri(uri).build(), String.class)
              .get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted while listing the proxy's pods");
    } catch (ExecutionException | TimeoutException e) {
      Throwable why = e instanceof ExecutionException ? e.getCause() : e;
      throw KubeErrors.of(why, 0, "list", "pods", namespace, kubeconfig);
    }
    if (!answer.isSuccessful()) {
      throw KubeErrors.of(
          new IOException("HTTP " + answer.code() + " " + answer.message()),
          answer.code(),
          "list",
          "pods",
          namespace,
          kubeconfig);
    }
    try {
      JsonArray items = new JsonObject(answer.body()).getJsonArray("items");
      return items == null ? new JsonArray() : items;
    } catch (RuntimeException e) {
      throw new UserError(
          "the Kubernetes API at " + kubeconfig.server() + " answered the pod list unreadably");
    }
  }

  private static String name(JsonObject pod) {
    return pod.getJsonObject("metadata", new JsonObject()).getString("name");
  }

  private static boolean ready(JsonObject p) {
    JsonObject status = p.getJsonObject("status");
    if (p.getJsonObject("metadata", new JsonObject()).getValue("deletionTimestamp") != null
        || status == null
        || !"Running".equals(status.getString("phase"))) {
      return false;
    }
    JsonArray conditions = status.getJsonArray("conditions", new JsonArray());
    return conditions.stream()
        .map(JsonObject.class::cast)
        .anyMatch(c -> "Ready".equals(c.getString("type")) && "True".equals(c.getString("status")));
  }

  private static Integer port(JsonObject p, String name) {
    JsonArray containers =
        p.getJsonObject("spec", new JsonObject()).getJsonArray("containers", new JsonArray());
    return containers.stream()
        .map(JsonObject.class::cast)
        .flatMap(c -> c.getJsonArray("ports", new JsonArray()).stream())
        .map(JsonObject.class::cast)
        .filter(cp -> name.equals(cp.getString("name")))
        .map(cp -> cp.getInteger("containerPort"))
        .findFirst()
        .orElse(null);
  }
}

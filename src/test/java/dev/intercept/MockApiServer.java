package dev.intercept;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fabric8's mock Kubernetes API server (no API server runs here: the one fake allowed) made to
 * behave as a cluster does for a developer's client: it lists the proxy's pods (CRUD), and serves
 * each pod's port-forward WebSocket ({@code v4.channel.k8s.io}) the way the kubelet does, relaying
 * the bytes to the port in the pod's "network namespace": here, the pod IP on loopback, where the
 * test's real proxy process listens ({@link MockKubeletPortForward}). It can refuse port-forward or
 * the pod list with RBAC's 403, as an API server does for a user without the role.
 */
public final class MockApiServer implements AutoCloseable {
  public static final String PROXY_LABEL = "app.kubernetes.io/name";
  public static final String PROXY_NAME = "intercept-proxy";
  private static final Pattern PORT_FORWARD =
      Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/portforward\\?ports=(\\d+)");
  private static final Pattern POD_LIST =
      Pattern.compile("/api/v1/namespaces/([^/]+)/pods(\\?.*)?");

  private final KubernetesMockServer server;
  private final NamespacedKubernetesClient client;
  private final Map<String, String> podIps = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> streams = new ConcurrentHashMap<>();
  private volatile boolean refusePortForward;
  private volatile boolean refusePodList;

  private MockApiServer() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            responses,
            new Kubelet(new KubernetesMixedDispatcher(responses)),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
  }

  public static MockApiServer start() {
    return new MockApiServer();
  }

  /** http://127.0.0.1:PORT: the API server's URL, for a kubeconfig. */
  public String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /**
   * Writes a kubeconfig at {@code file} whose current context {@code context} points at this server
   * with a bearer {@code token} (the proxy's token-file knows it too, as a cluster's TokenReview
   * would).
   */
  public Path kubeconfig(Path file, String context, String token) {
    String yaml =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: mock",
            "  cluster: {server: \"" + url() + "\"}",
            "users:",
            "- name: developer",
            "  user: {token: \"" + token + "\"}",
            "contexts:",
            "- name: " + context,
            "  context: {cluster: mock, user: developer, namespace: default}",
            "current-context: " + context,
            "");
    try {
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A proxy pod in {@code namespace}, labelled as install's manifests label it, whose container
   * ports {@code api} and {@code ssh} are where a real proxy listens on {@code ip} (a loopback
   * address standing for the pod's IP).
   */
  public void addProxyPod(
      String namespace, String name, String ip, int apiPort, int sshPort, boolean ready) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .addToLabels(PROXY_LABEL, PROXY_NAME)
            .addToLabels("app.kubernetes.io/part-of", "intercept")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("proxy")
            .addNewPort()
            .withName("api")
            .withContainerPort(apiPort)
            .endPort()
            .addNewPort()
            .withName("ssh")
            .withContainerPort(sshPort)
            .endPort()
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP(ip)
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .endStatus()
            .build();
    client.pods().inNamespace(namespace).resource(pod).create();
    podIps.put(namespace + "/" + name, ip);
  }

  /** The pod is gone (deleted, evicted): its port-forwards get 404. */
  public void deletePod(String namespace, String name) {
    podIps.remove(namespace + "/" + name);
    client.pods().inNamespace(namespace).withName(name).delete();
  }

  /** From now on port-forward is refused with RBAC's 403 (a user without pods/portforward). */
  public void refusePortForward(boolean refuse) {
    refusePortForward = refuse;
  }

  /** From now on listing pods is refused with RBAC's 403. */
  public void refusePodList(boolean refuse) {
    refusePodList = refuse;
  }

  /** How many port-forward streams reached {@code namespace/pod} (port {@code port}). */
  public int streams(String namespace, String pod, int port) {
    AtomicInteger n = streams.get(namespace + "/" + pod + ":" + port);
    return n == null ? 0 : n.get();
  }

  public NamespacedKubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  /** Port-forward as the kubelet serves it; everything else to fabric8's CRUD mock. */
  private final class Kubelet extends Dispatcher {
    private final Dispatcher crud;

    Kubelet(Dispatcher crud) {
      this.crud = crud;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String path = request.getPath();
      Matcher pf = PORT_FORWARD.matcher(path);
      if (pf.matches()) {
        return portForward(pf.group(1), pf.group(2), Integer.parseInt(pf.group(3)));
      }
      Matcher list = POD_LIST.matcher(path);
      if (refusePodList && list.matches() && "GET".equals(request.getMethod())) {
        return forbidden("list", "pods", list.group(1), "");
      }
      return crud.dispatch(request);
    }

    private MockResponse portForward(String namespace, String pod, int port) {
      if (refusePortForward) {
        return forbidden("create", "pods/portforward", namespace, pod);
      }
      String ip = podIps.get(namespace + "/" + pod);
      if (ip == null) {
        return status(404, "NotFound", "pods \"" + pod + "\" not found");
      }
      streams
          .computeIfAbsent(namespace + "/" + pod + ":" + port, k -> new AtomicInteger())
          .incrementAndGet();
      return new MockResponse()
          .withWebSocketUpgrade(new MockKubeletPortForward(namespace + "/" + pod, ip, port));
    }

    private MockResponse forbidden(String verb, String resource, String namespace, String name) {
      return status(
          403,
          "Forbidden",
          (name.isEmpty() ? resource : resource + " \"" + name + "\"")
              + " is forbidden: User \"developer\" cannot "
              + verb
              + " resource \""
              + resource
              + "\" in API group \"\" in the namespace \""
              + namespace
              + "\"");
    }

    private MockResponse status(int code, String reason, String message) {
      JsonObject status =
          new JsonObject()
              .put("kind", "Status")
              .put("apiVersion", "v1")
              .put("status", "Failure")
              .put("message", message)
              .put("reason", reason)
              .put("code", code);
      return new MockResponse()
          .setResponseCode(code)
          .setHeader("Content-Type", "application/json")
          .setBody(status.encode());
    }
  }
}

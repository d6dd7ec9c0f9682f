package dev.intercept.client.kube;

import dev.intercept.client.ProxyConnection;
import dev.intercept.client.StartupTiming;
import dev.intercept.client.UserError;
import dev.intercept.client.kube.PodPortForward.Opened;
import dev.intercept.client.kube.ProxyPods.ProxyPod;
import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.Registration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * The proxy reached through the developer's kubeconfig, as Telepresence connects: a ready proxy pod
 * found by label in the proxy's namespace, and two loopback ports forwarded through the Kubernetes
 * API to its {@code api} and {@code ssh} container ports, so neither needs exposing outside the
 * cluster and no kubectl is needed. The API port follows a live replica; the SSH port goes to the
 * replica a registration names (its advertised address is its pod IP), and follows it when a
 * reconnect lands on another.
 */
public final class KubeConnection implements ProxyConnection {
  private final Kubeconfig kubeconfig;
  private final String namespace;
  private final KubernetesClient k8s;
  private final ProxyPods pods;
  private final PodPortForward api;
  private final PodPortForward ssh;
  private volatile ProxyPod apiPod;
  private volatile ProxyPod sshPod;

  private KubeConnection(
      Kubeconfig kubeconfig, String namespace, KubernetesClient k8s, long timeoutMs)
      throws IOException {
    this.kubeconfig = kubeconfig;
    this.namespace = namespace;
    this.k8s = k8s;
    this.pods = new ProxyPods(k8s, kubeconfig, namespace, timeoutMs);
    this.api = new PodPortForward(k8s, "api", this::apiTarget, this::failed, timeoutMs);
    this.ssh = new PodPortForward(k8s, "ssh", this::sshTarget, this::failed, timeoutMs);
  }

  /**
   * Connects through kubeconfig context {@code context} (empty: the current one) to the proxy in
   * {@code namespace}: finds a ready pod and checks that the API lets this user port-forward to it.
   * Blocking. What the user must fix is a {@link UserError}.
   */
  public static KubeConnection open(Vertx vertx, String context, String namespace, long timeoutMs) {
    Kubeconfig kc = Kubeconfig.load(context, timeoutMs);
    StartupTiming.mark("kubeconfig read");
    KubernetesClient k8s =
        new KubernetesClientBuilder()
            .withConfig(kc.config())
            .withHttpClientFactory(new Vertx5HttpClientFactory(vertx))
            .build();
    StartupTiming.mark("Kubernetes client built");
    KubeConnection c;
    try {
      c = new KubeConnection(kc, namespace, k8s, timeoutMs);
    } catch (IOException e) {
      k8s.close();
      throw new UserError("cannot open a local port for the port-forward: " + e.getMessage());
    }
    try {
      c.firstPod();
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /**
   * A ready pod whose proxy answers through a port-forward; another if the first vanished or its
   * proxy is gone (the API lists a crashed replica as Ready until its probe fails).
   */
  private void firstPod() {
    for (int attempt = 0; ; attempt++) {
      ProxyPod p = pods.pick();
      StartupTiming.mark("proxy pods listed");
      Opened o = api.probe(p);
      StartupTiming.mark("port-forward probed");
      if (o == Opened.OPEN) {
        apiPod = p;
        sshPod = p;
        return;
      }
      if (o == Opened.REFUSED) {
        throw KubeErrors.rbac("create", "pods/portforward", namespace, kubeconfig);
      }
      pods.avoid(p);
      if (attempt >= pods.lastCount()) {
        throw new UserError(
            "no proxy answered through a port-forward to pod "
                + p.ref()
                + " (context "
                + kubeconfig.context()
                + ", API "
                + kubeconfig.server()
                + "): is it starting, or crashing? see docs/kubernetes.md");
      }
    }
  }

  private ProxyPod apiTarget() {
    ProxyPod p = apiPod;
    if (p == null || pods.avoided(p)) {
      p = pods.pick();
      apiPod = p;
    }
    return p;
  }

  private ProxyPod sshTarget() {
    ProxyPod p = sshPod;
    return p == null || pods.avoided(p) ? apiTarget() : p;
  }

  private void failed(ProxyPod p) {
    pods.avoid(p);
  }

  @Override
  public List<URI> apiUrls() {
    return List.of(URI.create("http://127.0.0.1:" + api.localPort()));
  }

  /** Points the SSH port at the pod of the replica that answered {@code r}. Never blocks. */
  @Override
  public HostPort ssh(Registration r, URI via) {
    ProxyPod named = r.replicaHost() == null ? null : pods.withIp(r.replicaHost());
    sshPod = named != null ? named : apiPod;
    return new HostPort("127.0.0.1", ssh.localPort());
  }

  @Override
  public void unreachable(URI via) {
    ProxyPod p = apiPod;
    if (p != null) {
      pods.avoid(p);
    }
  }

  /** The API server and namespace: the same proxy whichever pod or local port serves it. */
  @Override
  public URI identity(URI via) {
    return URI.create(
        kubeconfig.server() + "/api/v1/namespaces/" + namespace + "/services/" + ProxyPods.NAME);
  }

  @Override
  public String describe() {
    return "Connecting to the proxy through kubeconfig context "
        + kubeconfig.context()
        + ": "
        + forwards();
  }

  @Override
  public String summary() {
    return "kubeconfig context "
        + kubeconfig.context()
        + " ("
        + kubeconfig.server()
        + "), namespace "
        + namespace
        + ": "
        + forwards();
  }

  private String forwards() {
    return "port-forward to pod "
        + apiPod.ref()
        + " (api 127.0.0.1:"
        + api.localPort()
        + ", ssh 127.0.0.1:"
        + ssh.localPort()
        + ")";
  }

  @Override
  public void close() {
    api.close();
    ssh.close();
    k8s.close();
  }
}

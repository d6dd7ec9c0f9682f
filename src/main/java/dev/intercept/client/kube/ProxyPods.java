package dev.intercept.client.kube;

import dev.intercept.client.UserError;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

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
  private final Map<String, Long> avoided = new ConcurrentHashMap<>();
  private volatile List<ProxyPod> lastListed = List.of();

  ProxyPods(KubernetesClient k8s, Kubeconfig kubeconfig, String namespace) {
    this.k8s = k8s;
    this.kubeconfig = kubeconfig;
    this.namespace = namespace;
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
    List<Pod> pods;
    try {
      pods = k8s.pods().inNamespace(namespace).withLabel(LABEL, NAME).list().getItems();
    } catch (KubernetesClientException e) {
      throw KubeErrors.of(e, "list", "pods", namespace, kubeconfig);
    }
    List<Pod> ready = pods.stream().filter(ProxyPods::ready).toList();
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
    for (Pod p : ready) {
      Integer api = port(p, "api");
      Integer ssh = port(p, "ssh");
      if (api != null && ssh != null) {
        usable.add(
            new ProxyPod(namespace, p.getMetadata().getName(), p.getStatus().getPodIP(), api, ssh));
      }
    }
    if (usable.isEmpty()) {
      throw new UserError(
          "pod "
              + namespace
              + "/"
              + ready.get(0).getMetadata().getName()
              + " has no container ports named 'api' and 'ssh' (install's manifests name them):"
              + " is it an intercept proxy?");
    }
    lastListed = List.copyOf(usable);
    return lastListed;
  }

  private static boolean ready(Pod p) {
    if (p.getMetadata().getDeletionTimestamp() != null || p.getStatus() == null) {
      return false;
    }
    List<PodCondition> conditions = p.getStatus().getConditions();
    return "Running".equals(p.getStatus().getPhase())
        && conditions != null
        && conditions.stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static Integer port(Pod p, String name) {
    return p.getSpec().getContainers().stream()
        .flatMap(c -> c.getPorts() == null ? Stream.empty() : c.getPorts().stream())
        .filter(cp -> name.equals(cp.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElse(null);
  }
}

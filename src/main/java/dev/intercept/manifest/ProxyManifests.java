package dev.intercept.manifest;

import static dev.intercept.manifest.ProxyNames.PROXY;

import dev.intercept.config.ConfigKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code install}: the proxy's manifests for this version, in the order {@code kubectl apply} needs
 * them, each with a comment that says what it is for.
 */
public final class ProxyManifests {
  /** A manifest and the comment printed above it. */
  public record Doc(String comment, HasMetadata object) {}

  private ProxyManifests() {}

  public static List<Doc> of(InstallOptions o) {
    List<Doc> docs = new ArrayList<>();
    if (o.secrets() != InstallOptions.Secrets.ONLY) {
      docs.addAll(manifests(o));
    }
    if (o.secrets() != InstallOptions.Secrets.NONE) {
      docs.addAll(ProxySecrets.of(o));
    }
    return docs;
  }

  static Map<String, String> labels() {
    Map<String, String> l = new LinkedHashMap<>();
    l.put(ProxyNames.NAME_LABEL, PROXY);
    l.put(ProxyNames.PART_OF_LABEL, ProxyNames.PART_OF);
    return l;
  }

  static ObjectMeta meta(InstallOptions o, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(o.namespace())
        .withLabels(labels())
        .build();
  }

  private static List<Doc> manifests(InstallOptions o) {
    List<Doc> docs = new ArrayList<>();
    docs.add(
        new Doc(
            "The proxy's namespace.",
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(o.namespace())
                .withLabels(Map.of(ProxyNames.PART_OF_LABEL, ProxyNames.PART_OF))
                .endMetadata()
                .build()));
    docs.add(
        new Doc(
            "The proxy's identity: its token reviews and access reviews (below).",
            new ServiceAccountBuilder().withMetadata(meta(o, PROXY)).build()));
    docs.addAll(ProxyRbac.of(o));
    docs.add(
        new Doc(
            "The proxy"
                + (o.clustered()
                    ? ": "
                        + o.replicas()
                        + " replicas clustered over Hazelcast; any replica"
                        + " answers any call, an intercept's tunnel lives on one"
                    : "")
                + ". "
                + (o.clustered()
                    ? "Its SSH host key, cluster name and event-bus keystore come from "
                    : "Its SSH host key comes from ")
                + o.secretNames()
                + ", never written here: create "
                + (o.clustered() ? "them" : "it")
                + " once with "
                + o.createSecrets()
                + ".",
            ProxyDeployment.build(o, labels())));
    docs.add(
        new Doc(
            "Voluntary evictions (node drains) take one replica at a time.",
            new PodDisruptionBudgetBuilder()
                .withMetadata(meta(o, PROXY))
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(1))
                .withNewSelector()
                .withMatchLabels(labels())
                .endSelector()
                .endSpec()
                .build()));
    docs.add(
        new Doc(
            "Sidecars poll routes on the API; developers reach API and SSH through a port-forward.",
            new ServiceBuilder()
                .withMetadata(meta(o, PROXY))
                .withNewSpec()
                .withSelector(labels())
                .addNewPort()
                .withName("api")
                .withPort(ProxyNames.apiPort())
                .withTargetPort(new IntOrString("api"))
                .endPort()
                .addNewPort()
                .withName("ssh")
                .withPort(ProxyNames.sshPort())
                .withTargetPort(new IntOrString("ssh"))
                .endPort()
                .endSpec()
                .build()));
    if (o.clustered()) {
      docs.add(
          new Doc(
              "Headless: Hazelcast finds the replicas by resolving this name (needs no RBAC).",
              new ServiceBuilder()
                  .withMetadata(meta(o, ProxyNames.CLUSTER_SERVICE))
                  .withNewSpec()
                  .withClusterIP("None")
                  .withPublishNotReadyAddresses(true)
                  .withSelector(labels())
                  .addNewPort()
                  .withName("hazelcast")
                  .withPort(ConfigKey.CLUSTER_PORT.defaultValue())
                  .withTargetPort(new IntOrString("hazelcast"))
                  .endPort()
                  .endSpec()
                  .build()));
    }
    docs.add(networkPolicy(o));
    return docs;
  }

  private static Doc networkPolicy(InstallOptions o) {
    List<Integer> forward = ConfigKey.FORWARD_PORTS.defaultValue();
    List<NetworkPolicyIngressRule> rules = new ArrayList<>();
    rules.add(
        new NetworkPolicyIngressRuleBuilder()
            .addNewPort()
            .withPort(new IntOrString(ProxyNames.apiPort()))
            .endPort()
            .addNewPort()
            .withPort(new IntOrString(ProxyNames.sshPort()))
            .endPort()
            .build());
    rules.add(
        new NetworkPolicyIngressRuleBuilder()
            .addNewFrom()
            .withNewNamespaceSelector()
            .endNamespaceSelector()
            .withNewPodSelector()
            .withMatchLabels(Map.of(ProxyNames.SIDECAR_LABEL, "true"))
            .endPodSelector()
            .endFrom()
            .addNewPort()
            .withPort(new IntOrString(forward.get(0)))
            .withEndPort(forward.get(forward.size() - 1))
            .endPort()
            .build());
    if (o.clustered()) {
      rules.add(
          new NetworkPolicyIngressRuleBuilder()
              .addNewFrom()
              .withNewPodSelector()
              .withMatchLabels(labels())
              .endPodSelector()
              .endFrom()
              .addNewPort()
              .withPort(new IntOrString(ConfigKey.CLUSTER_PORT.defaultValue()))
              .endPort()
              .addNewPort()
              .withPort(new IntOrString(ProxyDeployment.EVENTBUS_PORT))
              .endPort()
              .build());
    }
    return new Doc(
        "API and SSH take anyone (they authenticate); only pods labelled "
            + ProxyNames.SIDECAR_LABEL
            + "=true reach the forward ports"
            + (o.clustered() ? "; only proxy pods reach Hazelcast and the event bus." : "."),
        new NetworkPolicyBuilder()
            .withMetadata(meta(o, PROXY))
            .withNewSpec()
            .withNewPodSelector()
            .withMatchLabels(labels())
            .endPodSelector()
            .withPolicyTypes("Ingress")
            .withIngress(rules)
            .endSpec()
            .build());
  }
}

package dev.intercept.manifest;

import static dev.intercept.manifest.ProxyNames.CLUSTER_SECRET;
import static dev.intercept.manifest.ProxyNames.HOST_KEY_SECRET;

import dev.intercept.config.ConfigKey;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The proxy's Deployment: listeners on the pod's address with Kubernetes authentication, the host
 * key (and, clustered, the cluster name and event-bus keystore) from Secrets, never inline.
 */
final class ProxyDeployment {
  static final String HOST_KEY_DIR = "/etc/intercept/host-key";
  static final String HOST_KEY_FILE = "host-key.pem";
  static final String EVENTBUS_DIR = "/etc/intercept/eventbus";
  static final String KEYSTORE_FILE = "eventbus.p12";
  static final String CLUSTER_NAME_KEY = "cluster-name";
  static final String PASSWORD_KEY = "eventbus-password";
  static final int EVENTBUS_PORT = 5702;

  private ProxyDeployment() {}

  static Deployment build(InstallOptions o, Map<String, String> labels) {
    ContainerBuilder c =
        new ContainerBuilder()
            .withName("proxy")
            .withImage(o.image())
            .withArgs(args(o))
            .withEnv(env(o))
            .addNewPort()
            .withName("api")
            .withContainerPort(ProxyNames.apiPort())
            .endPort()
            .addNewPort()
            .withName("ssh")
            .withContainerPort(ProxyNames.sshPort())
            .endPort();
    if (o.clustered()) {
      c.addNewPort()
          .withName("hazelcast")
          .withContainerPort(ConfigKey.CLUSTER_PORT.defaultValue())
          .endPort()
          .addNewPort()
          .withName("eventbus")
          .withContainerPort(EVENTBUS_PORT)
          .endPort();
    }
    c.withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/readyz")
        .withPort(new IntOrString("api"))
        .endHttpGet()
        .withPeriodSeconds(2)
        .endReadinessProbe()
        .withNewLivenessProbe()
        .withNewHttpGet()
        .withPath("/healthz")
        .withPort(new IntOrString("api"))
        .endHttpGet()
        .withInitialDelaySeconds(30)
        .withPeriodSeconds(10)
        .endLivenessProbe()
        .withNewResources()
        .addToRequests("cpu", new Quantity("100m"))
        .addToRequests("memory", new Quantity("256Mi"))
        .addToLimits("memory", new Quantity(o.clustered() ? "768Mi" : "512Mi"))
        .endResources()
        .withSecurityContext(ManifestMaps.restricted())
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("host-key")
        .withMountPath(HOST_KEY_DIR)
        .withReadOnly(true)
        .endVolumeMount();
    if (o.clustered()) {
      c.addNewVolumeMount()
          .withName("eventbus")
          .withMountPath(EVENTBUS_DIR)
          .withReadOnly(true)
          .endVolumeMount();
    }
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(ProxyNames.PROXY)
        .withNamespace(o.namespace())
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withReplicas(o.replicas())
        .withNewSelector()
        .withMatchLabels(labels)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withSpec(pod(o, labels).addToContainers(c.build()).build())
        .endTemplate()
        .endSpec()
        .build();
  }

  private static List<String> args(InstallOptions o) {
    List<String> args = new ArrayList<>();
    args.add("--role=proxy");
    if (o.clustered()) {
      args.add(ConfigKey.CLUSTER.flag());
    }
    // listeners beyond loopback, so: authentication (TokenReview, SubjectAccessReview)
    args.add(ConfigKey.AUTH.flag() + "=kubernetes");
    args.add(ConfigKey.LISTEN_HOST.flag() + "=0.0.0.0");
    args.add(ConfigKey.FORWARD_BIND_HOST.flag() + "=0.0.0.0");
    return args;
  }

  private static List<EnvVar> env(InstallOptions o) {
    List<EnvVar> env = new ArrayList<>();
    env.add(
        new EnvVarBuilder()
            .withName("POD_IP")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("status.podIP")
            .endFieldRef()
            .endValueFrom()
            .build());
    // routes point sidecars at this replica's pod IP
    env.add(value(ConfigKey.ADVERTISE_HOST, "$(POD_IP)"));
    env.add(value(ConfigKey.HOST_KEY_FILE, HOST_KEY_DIR + "/" + HOST_KEY_FILE));
    if (!o.sidecarServiceAccounts().isEmpty()) {
      env.add(value(ConfigKey.SIDECAR_ACCOUNTS, String.join(",", o.sidecarServiceAccounts())));
    }
    if (o.clustered()) {
      env.add(value(ConfigKey.CLUSTER_HOST, "$(POD_IP)"));
      env.add(
          value(
              ConfigKey.CLUSTER_K8S_SERVICE_DNS,
              ProxyNames.CLUSTER_SERVICE + "." + o.namespace() + ".svc"));
      env.add(value(ConfigKey.EVENTBUS_PORT, Integer.toString(EVENTBUS_PORT)));
      env.add(secret(ConfigKey.CLUSTER_NAME, CLUSTER_NAME_KEY));
      env.add(value(ConfigKey.EVENTBUS_KEYSTORE, EVENTBUS_DIR + "/" + KEYSTORE_FILE));
      env.add(secret(ConfigKey.EVENTBUS_KEYSTORE_PASSWORD, PASSWORD_KEY));
    }
    return env;
  }

  private static EnvVar value(ConfigKey<?> key, String value) {
    return new EnvVarBuilder().withName(key.envName()).withValue(value).build();
  }

  private static EnvVar secret(ConfigKey<?> key, String secretKey) {
    return new EnvVarBuilder()
        .withName(key.envName())
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(CLUSTER_SECRET)
        .withKey(secretKey)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  private static PodSpecBuilder pod(InstallOptions o, Map<String, String> labels) {
    PodSpecBuilder p =
        new PodSpecBuilder()
            .withServiceAccountName(ProxyNames.PROXY)
            .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withRunAsUser(ManifestMaps.UID)
            .withRunAsGroup(ManifestMaps.UID)
            .withFsGroup(ManifestMaps.UID)
            .endSecurityContext()
            .addNewVolume()
            .withName("tmp")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .addNewVolume()
            .withName("host-key")
            .withNewSecret()
            .withSecretName(HOST_KEY_SECRET)
            .withDefaultMode(0440)
            .addNewItem()
            .withKey(HOST_KEY_FILE)
            .withPath(HOST_KEY_FILE)
            .endItem()
            .endSecret()
            .endVolume();
    if (o.clustered()) {
      p.addNewVolume()
          .withName("eventbus")
          .withNewSecret()
          .withSecretName(CLUSTER_SECRET)
          .withDefaultMode(0440)
          .addNewItem()
          .withKey(KEYSTORE_FILE)
          .withPath(KEYSTORE_FILE)
          .endItem()
          .endSecret()
          .endVolume();
      // replicas on different nodes where the cluster has them
      p.withNewAffinity()
          .withNewPodAntiAffinity()
          .addNewPreferredDuringSchedulingIgnoredDuringExecution()
          .withWeight(100)
          .withNewPodAffinityTerm()
          .withTopologyKey("kubernetes.io/hostname")
          .withNewLabelSelector()
          .withMatchLabels(labels)
          .endLabelSelector()
          .endPodAffinityTerm()
          .endPreferredDuringSchedulingIgnoredDuringExecution()
          .endPodAntiAffinity()
          .endAffinity();
    }
    return p;
  }
}

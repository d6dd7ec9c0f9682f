package dev.intercept.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.config.ConfigKey;
import dev.intercept.protocol.InvalidInputException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Install's output, read strictly with fabric8's model: what each option changes, and secrets. */
class InstallTest {
  static InstallOptions options(
      String ns, int replicas, List<String> accounts, InstallOptions.Secrets secrets) {
    return new InstallOptions(ns, replicas, "registry.example/intercept:1.2.3", accounts, secrets);
  }

  static List<HasMetadata> install(InstallOptions o) {
    return StrictManifests.parse(ManifestWriter.yaml(List.of("test"), ProxyManifests.of(o)));
  }

  private static List<String> kinds(List<HasMetadata> objects) {
    return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
  }

  @Test
  void oneReplicaIsEveryObjectInOrderWithoutClusterSettings() {
    List<HasMetadata> objects =
        install(options("intercept", 1, List.of(), InstallOptions.Secrets.NONE));
    assertEquals(
        List.of(
            "Namespace/intercept",
            "ServiceAccount/intercept-proxy",
            "ClusterRole/intercept-proxy-reviews",
            "ClusterRoleBinding/intercept-proxy-reviews-intercept",
            "Role/intercept-developer",
            "Role/intercept-admin",
            "Deployment/intercept-proxy",
            "PodDisruptionBudget/intercept-proxy",
            "Service/intercept-proxy",
            "NetworkPolicy/intercept-proxy"),
        kinds(objects));
    Deployment d = StrictManifests.only(objects, Deployment.class, "intercept-proxy");
    assertEquals(1, d.getSpec().getReplicas());
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals(
        List.of(
            "--role=proxy",
            "--auth=kubernetes",
            "--listen-host=0.0.0.0",
            "--forward-bind-host=0.0.0.0"),
        c.getArgs());
    assertEquals(
        List.of("POD_IP", "INTERCEPT_ADVERTISE_HOST", "INTERCEPT_HOST_KEY_FILE"),
        c.getEnv().stream().map(EnvVar::getName).toList());
    assertEquals(List.of("api", "ssh"), c.getPorts().stream().map(p -> p.getName()).toList());
    NetworkPolicy np = StrictManifests.only(objects, NetworkPolicy.class, "intercept-proxy");
    assertEquals(2, np.getSpec().getIngress().size(), "no cluster rule");
  }

  @Test
  void theProxyContainerFollowsTheContract() {
    Deployment d =
        StrictManifests.only(
            install(options("intercept", 1, List.of(), InstallOptions.Secrets.NONE)),
            Deployment.class,
            "intercept-proxy");
    var pod = d.getSpec().getTemplate();
    assertEquals(
        Map.of(
            "app.kubernetes.io/name", "intercept-proxy", "app.kubernetes.io/part-of", "intercept"),
        pod.getMetadata().getLabels());
    assertEquals("intercept-proxy", pod.getSpec().getServiceAccountName());
    Container c = pod.getSpec().getContainers().get(0);
    assertEquals("proxy", c.getName());
    assertEquals("registry.example/intercept:1.2.3", c.getImage());
    assertEquals(8081, c.getPorts().get(0).getContainerPort());
    assertEquals(8022, c.getPorts().get(1).getContainerPort());
    assertEquals("/readyz", c.getReadinessProbe().getHttpGet().getPath());
    assertEquals("api", c.getReadinessProbe().getHttpGet().getPort().getStrVal());
    assertEquals("/healthz", c.getLivenessProbe().getHttpGet().getPath());
    assertEquals("api", c.getLivenessProbe().getHttpGet().getPort().getStrVal());
    assertFalse(c.getResources().getRequests().isEmpty());
    assertTrue(c.getResources().getLimits().containsKey("memory"));
    SecurityContext sc = c.getSecurityContext();
    assertTrue(sc.getRunAsNonRoot());
    assertEquals(10001L, sc.getRunAsUser());
    assertTrue(sc.getReadOnlyRootFilesystem());
    assertFalse(sc.getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
    assertEquals(
        Map.of("tmp", "/tmp", "host-key", "/etc/intercept/host-key"),
        c.getVolumeMounts().stream()
            .collect(Collectors.toMap(m -> m.getName(), m -> m.getMountPath())));
    var volumes = pod.getSpec().getVolumes();
    assertTrue(volumes.get(0).getEmptyDir() != null);
    assertEquals(ProxyNames.HOST_KEY_SECRET, volumes.get(1).getSecret().getSecretName());
  }

  @Test
  void replicasNamespaceImageAndSidecarAccountsChangeWhatTheyShould() {
    List<HasMetadata> objects =
        install(
            options(
                "tools", 3, List.of("shop:web", "default:the-app"), InstallOptions.Secrets.NONE));
    for (HasMetadata o : objects) {
      if (o instanceof Namespaced) {
        assertEquals("tools", o.getMetadata().getNamespace(), o.getKind());
      }
    }
    assertTrue(kinds(objects).contains("Service/intercept-proxy-cluster"));
    Service headless = StrictManifests.only(objects, Service.class, "intercept-proxy-cluster");
    assertEquals("None", headless.getSpec().getClusterIP());
    ClusterRoleBinding b =
        StrictManifests.only(objects, ClusterRoleBinding.class, "intercept-proxy-reviews-tools");
    assertEquals("tools", b.getSubjects().get(0).getNamespace());
    for (String role : List.of("intercept-developer", "intercept-admin")) {
      // what the client needs to reach the proxy by port-forward (docs/connect.md)
      List<String> rules =
          StrictManifests.only(objects, Role.class, role).getRules().stream()
              .map(r -> r.getResources() + " " + r.getVerbs())
              .toList();
      assertTrue(rules.contains("[pods] [list]"), rules.toString());
      assertTrue(rules.contains("[pods/portforward] [get, create]"), rules.toString());
    }
    Deployment d = StrictManifests.only(objects, Deployment.class, "intercept-proxy");
    assertEquals(3, d.getSpec().getReplicas());
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertTrue(c.getArgs().contains("--cluster"));
    Map<String, EnvVar> env =
        c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertEquals(
        "shop:web,default:the-app", env.get("INTERCEPT_SIDECAR_SERVICE_ACCOUNTS").getValue());
    assertEquals(
        "intercept-proxy-cluster.tools.svc",
        env.get("INTERCEPT_CLUSTER_K8S_SERVICE_DNS").getValue());
    assertEquals(
        ProxyNames.CLUSTER_SECRET,
        env.get("INTERCEPT_CLUSTER_NAME").getValueFrom().getSecretKeyRef().getName());
    assertEquals(
        List.of("api", "ssh", "hazelcast", "eventbus"),
        c.getPorts().stream().map(p -> p.getName()).toList());
    NetworkPolicy np = StrictManifests.only(objects, NetworkPolicy.class, "intercept-proxy");
    assertEquals(3, np.getSpec().getIngress().size());
    assertEquals(
        Set.of(5701, 5702),
        np.getSpec().getIngress().get(2).getPorts().stream()
            .map(p -> p.getPort().getIntVal())
            .collect(Collectors.toSet()));
  }

  @Test
  void everyEnvironmentNameAndFlagIsADeclaredSetting() {
    Set<String> env = ConfigKey.all().stream().map(ConfigKey::envName).collect(Collectors.toSet());
    Set<String> flags = ConfigKey.all().stream().map(ConfigKey::flag).collect(Collectors.toSet());
    Container c =
        StrictManifests.only(
                install(options("intercept", 3, List.of("a:b"), InstallOptions.Secrets.NONE)),
                Deployment.class,
                "intercept-proxy")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    for (EnvVar e : c.getEnv()) {
      assertTrue(e.getName().equals("POD_IP") || env.contains(e.getName()), e.getName());
    }
    for (String a : c.getArgs().subList(1, c.getArgs().size())) {
      assertTrue(flags.contains(a.split("=")[0]), a);
    }
  }

  @Test
  void secretsAreFreshObjectsAndNeverInline() {
    InstallOptions o = options("intercept", 3, List.of(), InstallOptions.Secrets.INCLUDE);
    String text = ManifestWriter.yaml(List.of("test"), ProxyManifests.of(o));
    List<HasMetadata> objects = StrictManifests.parse(text);
    Secret hostKey = StrictManifests.only(objects, Secret.class, ProxyNames.HOST_KEY_SECRET);
    Secret cluster = StrictManifests.only(objects, Secret.class, ProxyNames.CLUSTER_SECRET);
    List<String> values = new ArrayList<>();
    for (Secret s : List.of(hostKey, cluster)) {
      if (s.getStringData() != null) {
        values.addAll(s.getStringData().values());
      }
      if (s.getData() != null) {
        s.getData().values().forEach(v -> values.add(v));
      }
    }
    assertEquals(4, values.size(), "host key; cluster name, password, keystore");
    assertTrue(hostKey.getStringData().get("host-key.pem").contains("OPENSSH PRIVATE KEY"));
    String others =
        text.substring(0, text.indexOf("kind: Secret"))
            + objects.stream()
                .filter(x -> !(x instanceof Secret))
                .map(StrictManifests.SERIALIZATION::asJson)
                .collect(Collectors.joining());
    for (String v : values) {
      for (String line : v.split("\n")) {
        if (line.length() > 8) {
          assertFalse(others.contains(line), "a secret value outside the Secrets");
        }
      }
    }
    // every Secret key the Deployment names is there
    Container c =
        StrictManifests.only(objects, Deployment.class, "intercept-proxy")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    for (EnvVar e : c.getEnv()) {
      if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
        assertTrue(
            cluster.getStringData().containsKey(e.getValueFrom().getSecretKeyRef().getKey()));
      } else {
        assertFalse(values.contains(e.getValue()), e.getName());
      }
    }
    assertTrue(cluster.getData().containsKey("eventbus.p12"));
    assertTrue(Base64.getDecoder().decode(cluster.getData().get("eventbus.p12")).length > 500);
    // fresh every time
    Secret again =
        StrictManifests.only(
            StrictManifests.parse(ManifestWriter.yaml(List.of(), ProxyManifests.of(o))),
            Secret.class,
            ProxyNames.HOST_KEY_SECRET);
    assertFalse(again.getStringData().equals(hostKey.getStringData()));
  }

  @Test
  void secretsOnlyIsTheSecretsAndTheManifestsAloneHaveNone() {
    assertEquals(
        List.of("Secret/" + ProxyNames.HOST_KEY_SECRET),
        kinds(install(options("intercept", 1, List.of(), InstallOptions.Secrets.ONLY))));
    assertEquals(
        List.of("Secret/" + ProxyNames.HOST_KEY_SECRET, "Secret/" + ProxyNames.CLUSTER_SECRET),
        kinds(install(options("intercept", 2, List.of(), InstallOptions.Secrets.ONLY))));
    String text =
        ManifestWriter.yaml(
            List.of(),
            ProxyManifests.of(options("intercept", 3, List.of(), InstallOptions.Secrets.NONE)));
    assertFalse(text.contains("kind: Secret"));
    assertFalse(text.contains("PRIVATE KEY"));
    assertEquals(
        text,
        ManifestWriter.yaml(
            List.of(),
            ProxyManifests.of(options("intercept", 3, List.of(), InstallOptions.Secrets.NONE))),
        "the same options print the same manifests");
  }

  @Test
  void badOptionsAreRefusedWithTheReason() {
    assertEquals(
        "--namespace 'Intercept' must be at most 63 characters of a-z, 0-9 and '-', starting and"
            + " ending with a letter or digit",
        assertThrows(
                InvalidInputException.class,
                () -> options("Intercept", 1, List.of(), InstallOptions.Secrets.NONE))
            .getMessage());
    assertEquals(
        "--replicas must be from 1 to 15, got 0",
        assertThrows(
                InvalidInputException.class,
                () -> options("intercept", 0, List.of(), InstallOptions.Secrets.NONE))
            .getMessage());
    assertTrue(
        assertThrows(
                InvalidInputException.class,
                () -> options("intercept", 1, List.of("the-app"), InstallOptions.Secrets.NONE))
            .getMessage()
            .startsWith("--sidecar-service-accounts takes NAMESPACE:NAME"));
  }

  @Test
  void commentsWrapAndTheHeaderStaysWhole() {
    String text =
        ManifestWriter.yaml(
            List.of(
                "intercept install --namespace a-rather-long-namespace-name-for-a-long-line --replicas 3 --image x"),
            ProxyManifests.of(options("intercept", 1, List.of(), InstallOptions.Secrets.NONE)));
    assertTrue(text.startsWith("# intercept install --namespace a-rather-long"));
    for (String line : text.split("\n")) {
      if (line.startsWith("#") && !line.startsWith("# intercept install")) {
        assertTrue(line.length() <= 98, line);
      }
    }
  }
}

package dev.intercept.manifest;

import dev.intercept.config.ConfigKey;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The containers and volumes inject adds to a pod, built with fabric8's model. */
final class SidecarParts {
  static final String SIDECAR = "sidecar";
  static final String ENVOY = "envoy";
  static final String PORT_NAME = "intercept";
  static final String TOKEN_VOLUME = "intercept-token";
  static final String TMP_VOLUME = "intercept-tmp";
  static final String ENVOY_VOLUME = "intercept-envoy";
  static final String TOKEN_DIR = "/var/run/secrets/intercept";
  static final long TOKEN_SECONDS = 3600;

  private final InjectOptions o;

  SidecarParts(InjectOptions o) {
    this.o = o;
  }

  /** The containers, in the order they are appended; appProtocol null: the sidecar's default. */
  List<Map<String, Object>> containers(String appName, int appPort, String appProtocol) {
    List<Map<String, Object>> out = new ArrayList<>();
    out.add(ManifestMaps.plain(sidecar(appName, appPort, appProtocol)));
    if (o.envoy()) {
      out.add(ManifestMaps.plain(envoy()));
    }
    return out;
  }

  List<String> containerNames() {
    return o.envoy() ? List.of(SIDECAR, ENVOY) : List.of(SIDECAR);
  }

  List<Map<String, Object>> volumes() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Volume v : volumeModels()) {
      out.add(ManifestMaps.plain(v));
    }
    return out;
  }

  List<String> volumeNames() {
    return volumeModels().stream().map(Volume::getName).toList();
  }

  private Container sidecar(String appName, int appPort, String appProtocol) {
    String envoyDir = ConfigKey.ENVOY_CONFIG_DIR.defaultText();
    ContainerBuilder c =
        new ContainerBuilder()
            .withName(SIDECAR)
            .withImage(o.image())
            .addToArgs("--role=sidecar", ConfigKey.LISTEN_HOST.flag() + "=0.0.0.0")
            .addToArgs(ConfigKey.SIDECAR_TOKEN_FILE.flag() + "=" + TOKEN_DIR + "/token");
    if (o.envoy()) {
      c.addToArgs(
          ConfigKey.DATA_PLANE.flag() + "=envoy",
          ConfigKey.ENVOY_CONFIG_DIR.flag() + "=" + envoyDir);
    }
    c.addNewEnv()
        .withName(ConfigKey.APP_NAME.alias())
        .withValue(appName)
        .endEnv()
        .addNewEnv()
        .withName(ConfigKey.APP_PORT.alias())
        .withValue(Integer.toString(appPort))
        .endEnv();
    if (appProtocol != null) {
      c.addNewEnv().withName(ConfigKey.APP_PROTOCOL.alias()).withValue(appProtocol).endEnv();
    }
    c.addNewEnv().withName(ConfigKey.PROXY_URL.envName()).withValue(o.proxyUrl()).endEnv();
    if (!o.envoy()) {
      listening(c);
    }
    c.withNewResources()
        .addToRequests("cpu", new Quantity("50m"))
        .addToRequests("memory", new Quantity("128Mi"))
        .addToLimits("memory", new Quantity("256Mi"))
        .endResources()
        .withSecurityContext(ManifestMaps.restricted())
        .addNewVolumeMount()
        .withName(TOKEN_VOLUME)
        .withMountPath(TOKEN_DIR)
        .withReadOnly(true)
        .endVolumeMount()
        // the JVM's only writable path on a read-only root filesystem
        .addNewVolumeMount()
        .withName(TMP_VOLUME)
        .withMountPath("/tmp")
        .endVolumeMount();
    if (o.envoy()) {
      c.addNewVolumeMount().withName(ENVOY_VOLUME).withMountPath(envoyDir).endVolumeMount();
    }
    return c.build();
  }

  /** Envoy, started on the bootstrap the sidecar writes (it restarts until the file is there). */
  private Container envoy() {
    String dir = ConfigKey.ENVOY_CONFIG_DIR.defaultText();
    ContainerBuilder c =
        new ContainerBuilder()
            .withName(ENVOY)
            .withImage(o.envoyImage())
            .withCommand("envoy", "-c", dir + "/bootstrap.yaml");
    listening(c);
    return c.withNewResources()
        .addToRequests("cpu", new Quantity("50m"))
        .addToRequests("memory", new Quantity("64Mi"))
        .addToLimits("memory", new Quantity("256Mi"))
        .endResources()
        .withSecurityContext(ManifestMaps.restricted())
        .addNewVolumeMount()
        .withName(ENVOY_VOLUME)
        .withMountPath(dir)
        .withReadOnly(true)
        .endVolumeMount()
        .build();
  }

  /** The port the Service is moved to, and readiness once something listens on it. */
  private static void listening(ContainerBuilder c) {
    c.addNewPort()
        .withName(PORT_NAME)
        .withContainerPort(ProxyNames.sidecarPort())
        .endPort()
        .withNewReadinessProbe()
        .withNewTcpSocket()
        .withNewPort(PORT_NAME)
        .endTcpSocket()
        .withPeriodSeconds(5)
        .endReadinessProbe();
  }

  private List<Volume> volumeModels() {
    List<Volume> out = new ArrayList<>();
    VolumeBuilder token = new VolumeBuilder().withName(TOKEN_VOLUME);
    if (o.tokenSecret() == null) {
      // a token for the proxy's TokenReview, rotated by the kubelet; the sidecar re-reads it
      token
          .withNewProjected()
          .addNewSource()
          .withNewServiceAccountToken()
          .withPath("token")
          .withExpirationSeconds(TOKEN_SECONDS)
          .endServiceAccountToken()
          .endSource()
          .endProjected();
    } else {
      // optional spelled out: podman kube play (4.3) fails on a secret volume without it
      token.withNewSecret().withSecretName(o.tokenSecret()).withOptional(false).endSecret();
    }
    out.add(token.build());
    out.add(new VolumeBuilder().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().build());
    if (o.envoy()) {
      out.add(new VolumeBuilder().withName(ENVOY_VOLUME).withNewEmptyDir().endEmptyDir().build());
    }
    return out;
  }
}

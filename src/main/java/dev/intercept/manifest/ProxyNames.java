package dev.intercept.manifest;

import dev.intercept.config.ConfigKey;

/** The names install gives the proxy's objects, and the labels and ports they share. */
public final class ProxyNames {
  /** ServiceAccount, Deployment, Service (API and SSH), NetworkPolicy, PodDisruptionBudget. */
  public static final String PROXY = "intercept-proxy";

  /** The headless Service through which Hazelcast finds the replicas. */
  public static final String CLUSTER_SERVICE = "intercept-proxy-cluster";

  public static final String DEFAULT_NAMESPACE = "intercept";
  public static final String NAME_LABEL = "app.kubernetes.io/name";
  public static final String PART_OF_LABEL = "app.kubernetes.io/part-of";
  public static final String PART_OF = "intercept";

  /** Pods with this label reach the proxy's forward ports (the NetworkPolicy). */
  public static final String SIDECAR_LABEL = "intercept.dev/sidecar";

  /** The Secrets the Deployment refers to; their values are never in the manifests. */
  public static final String HOST_KEY_SECRET = "intercept-proxy-host-key";

  public static final String CLUSTER_SECRET = "intercept-proxy-cluster-keys";

  /** The API group and resource of the access reviews (docs/security.md). */
  public static final String API_GROUP = "intercept.dev";

  public static final String RESOURCE = "intercepts";

  private ProxyNames() {}

  /** The image of this version, as {@code make image} tags it (without its localhost/). */
  public static String image(String version) {
    return "intercept:" + version;
  }

  static int apiPort() {
    return ConfigKey.API_PORT.defaultValue();
  }

  static int sshPort() {
    return ConfigKey.SSH_PORT.defaultValue();
  }

  static int sidecarPort() {
    return ConfigKey.LISTEN_PORT.defaultValue();
  }
}

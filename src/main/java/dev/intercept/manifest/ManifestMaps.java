package dev.intercept.manifest;

import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fabric8's model objects as plain ordered maps, for rendering: the model's order (alphabetical)
 * with what a reader looks for first moved to the front, as kubectl users write it.
 */
final class ManifestMaps {
  /** The image's user and group (the Dockerfile's). */
  static final long UID = 10001L;

  private static final List<String> FIRST =
      List.of("apiVersion", "kind", "metadata", "name", "namespace", "image");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private ManifestMaps() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> plain(Object model) {
    return (Map<String, Object>) ordered(SERIALIZATION.convertValue(model, Map.class));
  }

  private static Object ordered(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (String k : FIRST) {
        if (m.containsKey(k)) {
          out.put(k, ordered(m.get(k)));
        }
      }
      m.forEach((k, x) -> out.putIfAbsent((String) k, ordered(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(ordered(x)));
      return out;
    }
    return v;
  }

  /**
   * Every container of ours runs as the image's non-root user, on a read-only root filesystem, with
   * no capability and no way to gain privileges (Pod Security Standards "restricted").
   */
  static SecurityContext restricted() {
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(UID)
        .withRunAsGroup(UID)
        .withReadOnlyRootFilesystem(true)
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }
}

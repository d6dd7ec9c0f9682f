package dev.intercept.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.vertx.core.json.Json;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Manifests read with fabric8's model, strictly: every document an object of a kind the model knows
 * (never a generic resource), and no field anywhere the model does not know (fabric8 keeps those in
 * {@code additionalProperties} instead of failing: they are looked for).
 */
final class StrictManifests {
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private StrictManifests() {}

  /** Every object of the stream; a {@code kind: List} gives its items. */
  static List<HasMetadata> parse(String text) {
    List<HasMetadata> out = new ArrayList<>();
    LoaderOptions lo = new LoaderOptions();
    lo.setAllowDuplicateKeys(false);
    for (Object doc : new Yaml(lo).loadAll(text)) {
      if (doc == null) {
        continue;
      }
      assertFalse(!(doc instanceof Map), "a document that is no object: " + doc);
      KubernetesResource r = SERIALIZATION.unmarshal(Json.encode(doc));
      assertNotNull(r);
      if (r instanceof GenericKubernetesResource g) {
        fail("a kind fabric8's model does not know: " + g.getApiVersion() + " " + g.getKind());
      }
      noUnknownFields(r, ((Map<?, ?>) doc).get("kind") + "");
      if (r instanceof KubernetesList list) {
        out.addAll(list.getItems());
      } else {
        out.add((HasMetadata) r);
      }
    }
    return out;
  }

  static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> kind, String name) {
    List<T> found =
        objects.stream()
            .filter(kind::isInstance)
            .map(kind::cast)
            .filter(o -> o.getMetadata().getName().equals(name))
            .toList();
    assertEquals(1, found.size(), kind.getSimpleName() + "/" + name + " in " + objects);
    return found.get(0);
  }

  /** Walks the model's getters: an {@code additionalProperties} entry is a field fabric8 lacks. */
  static void noUnknownFields(Object o, String path) {
    if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean) {
      return;
    }
    if (o instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        noUnknownFields(l.get(i), path + "[" + i + "]");
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> noUnknownFields(v, path + "." + k));
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method g : o.getClass().getMethods()) {
      if (g.getParameterCount() != 0
          || Modifier.isStatic(g.getModifiers())
          || !g.getName().startsWith("get")
          || g.getDeclaringClass() == Object.class) {
        continue;
      }
      Object v;
      try {
        v = g.invoke(o);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
      if (g.getName().equals("getAdditionalProperties")) {
        assertEquals(Map.of(), v, "fields fabric8's model does not know at " + path);
      } else {
        noUnknownFields(v, path + "." + g.getName().substring(3));
      }
    }
  }
}

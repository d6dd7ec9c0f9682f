package dev.intercept.envoy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;

/**
 * Renders a JSON model as block YAML (SnakeYAML): the format Envoy's .yaml files are read in, and
 * the CLI's {@code --output yaml}.
 */
public final class Yaml {
  private Yaml() {}

  /** A JsonObject or JsonArray (or a plain value) as block YAML. */
  public static String render(Object json) {
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    o.setIndent(2);
    o.setWidth(10_000);
    return new org.yaml.snakeyaml.Yaml(o).dump(plain(json));
  }

  private static Object plain(Object v) {
    if (v instanceof JsonObject o) {
      Map<String, Object> m = new LinkedHashMap<>();
      o.forEach(e -> m.put(e.getKey(), plain(e.getValue())));
      return m;
    }
    if (v instanceof JsonArray a) {
      List<Object> l = new ArrayList<>();
      a.forEach(x -> l.add(plain(x)));
      return l;
    }
    return v;
  }
}

package dev.intercept.manifest;

import dev.intercept.config.ConfigKey;
import dev.intercept.protocol.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The sidecar's APPPROTOCOL: {@code --app-protocol}, else the {@code appProtocol} of the Service
 * ports that target the app's port (the Kubernetes way to say it), else none (the sidecar's
 * default, http). A few spellings other meshes use are taken for ours; anything else the sidecar
 * cannot serve, so inject refuses it rather than break the app's traffic.
 */
final class AppProtocol {
  private static final Map<String, String> ALIASES =
      Map.of(
          "http", "http",
          "h2c", "kubernetes.io/h2c",
          "http2", "kubernetes.io/h2c",
          "ws", "kubernetes.io/ws");

  private AppProtocol() {}

  /** {@code --app-protocol}'s value checked as the sidecar checks APPPROTOCOL. */
  static void check(String option) {
    try {
      if (option != null) {
        ConfigKey.APP_PROTOCOL.type().parse(option);
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "--app-protocol must be "
              + ConfigKey.APP_PROTOCOL.type().accepts()
              + ", got '"
              + option
              + "'");
    }
  }

  /** The APPPROTOCOL for the app's port, or null to leave the sidecar's default. */
  static String choose(String wanted, Map<ServiceDoc, List<Integer>> targets, String workload) {
    if (wanted != null) {
      return wanted;
    }
    Map<String, String> declared = new LinkedHashMap<>();
    targets.forEach(
        (s, ports) -> {
          for (int i : ports) {
            Node port = s.portItems().get(i);
            String value = Nodes.text(port, "appProtocol");
            if (value != null) {
              declared.putIfAbsent(s.id() + " port " + Nodes.text(port, "port"), value);
            }
          }
        });
    String chosen = null;
    String from = null;
    for (Map.Entry<String, String> e : declared.entrySet()) {
      String p = known(e.getValue());
      if (p == null) {
        throw new InvalidInputException(
            workload
                + ": "
                + e.getKey()
                + " has appProtocol '"
                + e.getValue()
                + "', which the sidecar cannot serve (it takes "
                + String.join(", ", ConfigKey.APP_PROTOCOL.type().label().split("\\|"))
                + "): name the app's protocol with --app-protocol");
      }
      if (chosen != null && !chosen.equals(p)) {
        throw new InvalidInputException(
            workload
                + ": "
                + from
                + " says appProtocol "
                + chosen
                + " but "
                + e.getKey()
                + " says "
                + p
                + ": choose with --app-protocol");
      }
      chosen = p;
      from = e.getKey();
    }
    return chosen;
  }

  /** Ours, or an alias of ours (any case), as ours; null when the sidecar has no such protocol. */
  private static String known(String value) {
    try {
      return ConfigKey.APP_PROTOCOL.type().parse(value);
    } catch (IllegalArgumentException e) {
      return ALIASES.get(value.toLowerCase(Locale.ROOT));
    }
  }
}

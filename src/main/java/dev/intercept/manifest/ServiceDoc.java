package dev.intercept.manifest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** A Service in the input: whose pods it selects and which container ports its ports target. */
record ServiceDoc(MappingNode root, String name, String namespace, SequenceNode ports) {

  static Optional<ServiceDoc> of(Node doc) {
    if (!(doc instanceof MappingNode root)
        || !"Service".equals(Nodes.text(doc, "kind"))
        || !"v1".equals(Nodes.text(doc, "apiVersion"))) {
      return Optional.empty();
    }
    Optional<MappingNode> meta = Nodes.mapping(root, "metadata");
    String name = meta.map(m -> Nodes.text(m, "name")).orElse(null);
    String namespace = meta.map(m -> Nodes.text(m, "namespace")).orElse(null);
    SequenceNode ports =
        Nodes.mapping(root, "spec").flatMap(s -> Nodes.sequence(s, "ports")).orElse(null);
    return Optional.of(new ServiceDoc(root, name, namespace, ports));
  }

  String id() {
    return "Service/" + name;
  }

  Map<String, String> selector() {
    Map<String, String> out = new LinkedHashMap<>();
    Nodes.mapping(root, "spec", "selector")
        .ifPresent(
            m ->
                m.getValue()
                    .forEach(
                        t -> out.put(Nodes.text(t.getKeyNode()), Nodes.text(t.getValueNode()))));
    return out;
  }

  /**
   * Whether it sends traffic to the workload's pods: same namespace, selector within its labels.
   */
  boolean selects(Workload w) {
    Map<String, String> selector = selector();
    if (selector.isEmpty() || !Objects.equals(namespace, w.namespace())) {
      return false;
    }
    Map<String, String> labels = w.podLabels();
    return selector.entrySet().stream()
        .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
  }

  List<Node> portItems() {
    return ports == null ? List.of() : ports.getValue();
  }

  /** The indices of the ports that target this container port (by number, name, or default). */
  List<Integer> targeting(Workload.Port p) {
    List<Integer> out = new ArrayList<>();
    List<Node> items = portItems();
    for (int i = 0; i < items.size(); i++) {
      String target = Nodes.text(items.get(i), "targetPort");
      if (Nodes.text(items.get(i), "port") == null || !(items.get(i) instanceof MappingNode)) {
        continue;
      }
      if (target == null) {
        target = Nodes.text(items.get(i), "port");
      }
      if (target == null) {
        continue;
      }
      boolean byNumber = target.equals(Integer.toString(p.number()));
      boolean byName = p.name() != null && target.equals(p.name());
      String protocol = Nodes.text(items.get(i), "protocol");
      if ((byNumber || byName) && (protocol == null || protocol.equals(p.protocol()))) {
        out.add(i);
      }
    }
    return out;
  }
}

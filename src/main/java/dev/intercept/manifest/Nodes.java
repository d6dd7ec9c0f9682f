package dev.intercept.manifest;

import dev.intercept.protocol.InvalidInputException;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Reading a manifest's node tree: a key's value, a scalar's text, a sequence's items. */
final class Nodes {
  private Nodes() {}

  /**
   * The entry of {@code key}, or -1; a key given twice is refused (which one would Kubernetes
   * take?).
   */
  static int index(MappingNode map, String key) {
    int found = -1;
    List<NodeTuple> entries = map.getValue();
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        if (found >= 0) {
          throw new InvalidInputException(
              "key '" + key + "' appears twice at line " + (k.getStartMark().getLine() + 1));
        }
        found = i;
      }
    }
    return found;
  }

  static Optional<Node> get(Node map, String key) {
    if (!(map instanceof MappingNode m)) {
      return Optional.empty();
    }
    int i = index(m, key);
    return i < 0 ? Optional.empty() : Optional.of(m.getValue().get(i).getValueNode());
  }

  /** The mapping at a path of keys, when every step is a mapping. */
  static Optional<MappingNode> mapping(Node from, String... path) {
    Node n = from;
    for (String k : path) {
      Optional<Node> next = get(n, k);
      if (next.isEmpty()) {
        return Optional.empty();
      }
      n = next.get();
    }
    return n instanceof MappingNode m ? Optional.of(m) : Optional.empty();
  }

  static Optional<SequenceNode> sequence(Node from, String key) {
    return get(from, key).filter(SequenceNode.class::isInstance).map(SequenceNode.class::cast);
  }

  /** A scalar's value (null for a null or a collection). */
  static String text(Node n) {
    return n instanceof ScalarNode s && !Tag.NULL.equals(s.getTag()) ? s.getValue() : null;
  }

  static String text(Node map, String key) {
    return get(map, key).map(Nodes::text).orElse(null);
  }

  static List<Node> items(Node from, String key) {
    return sequence(from, key).map(SequenceNode::getValue).orElse(List.of());
  }

  /** Whether the key is present with a null value ({@code key:} or {@code key: null}). */
  static boolean isNull(Node map, String key) {
    return get(map, key)
        .map(v -> v instanceof ScalarNode s && Tag.NULL.equals(s.getTag()))
        .orElse(false);
  }

  /** Whether any node of the tree carries an anchor or is an alias (edits cannot follow them). */
  static boolean hasAnchors(Node n) {
    if (n.getAnchor() != null) {
      return true;
    }
    if (n instanceof MappingNode m) {
      return m.getValue().stream()
          .anyMatch(t -> hasAnchors(t.getKeyNode()) || hasAnchors(t.getValueNode()));
    }
    return n instanceof SequenceNode s && s.getValue().stream().anyMatch(Nodes::hasAnchors);
  }
}

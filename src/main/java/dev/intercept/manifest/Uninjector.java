package dev.intercept.manifest;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Takes out what inject added, as its record says: the containers, volumes and label, the keys it
 * created, the Services' targetPorts as they were written. Objects without a record are left as
 * they are.
 */
final class Uninjector {
  private final TextEdits edits;
  private int undone;

  private Uninjector(YamlSource src) {
    this.edits = new TextEdits(src);
  }

  /**
   * The text with every injected object given back; {@code service} picks the Services to give back
   * (inject re-injects only those a workload of the input selects).
   */
  static Undone run(YamlSource src, Predicate<ServiceDoc> service) {
    Uninjector u = new Uninjector(src);
    for (ManifestObjects.Entry e : ManifestObjects.of(src).entries()) {
      Node object = e.node();
      Optional<InjectRecord> rec = InjectRecord.of(object, ManifestObjects.id(object));
      if (rec.isEmpty()) {
        continue;
      }
      Optional<Workload> w = Workload.of(object);
      Optional<ServiceDoc> s = ServiceDoc.of(object);
      if (w.isPresent()) {
        u.workload(w.get(), rec.get());
      } else if (s.isPresent() && service.test(s.get())) {
        u.service(s.get(), rec.get());
      }
    }
    return new Undone(u.edits.isEmpty() ? src.text : u.edits.apply(), u.undone);
  }

  record Undone(String text, int objects) {}

  private void workload(Workload w, InjectRecord rec) {
    undone++;
    List<String> containers = rec.list("containers");
    edits.remove(w.containers(), indices(w.containers(), n -> containers.contains(nameOf(n))));
    Optional<SequenceNode> volumes = Nodes.sequence(w.podSpec(), "volumes");
    if (volumes.isPresent()) {
      List<String> ours = rec.list("volumes");
      Set<Integer> out = indices(volumes.get(), n -> ours.contains(nameOf(n)));
      if (rec.created("volumes") && out.size() == volumes.get().getValue().size()) {
        edits.remove(w.podSpec(), Set.of(Nodes.index(w.podSpec(), "volumes")));
      } else {
        edits.remove(volumes.get(), out);
      }
    }
    if (rec.json.getBoolean("label", false)) {
      int i = Nodes.index(w.labels(), ProxyNames.SIDECAR_LABEL);
      if (i >= 0) {
        edits.remove(w.labels(), Set.of(i));
      }
    }
    removeRecord(w.root(), rec);
  }

  private void service(ServiceDoc s, InjectRecord rec) {
    undone++;
    var targets = rec.json.getJsonObject("targetPorts");
    for (Node port : s.portItems()) {
      String number = Nodes.text(port, "port");
      Optional<Node> target = Nodes.get(port, "targetPort");
      if (targets == null
          || !targets.containsKey(number)
          || target.isEmpty()
          || !SidecarParts.PORT_NAME.equals(Nodes.text(target.get()))) {
        continue;
      }
      String original = targets.getString(number);
      if (original == null) {
        edits.remove((MappingNode) port, Set.of(Nodes.index((MappingNode) port, "targetPort")));
      } else {
        edits.replace(target.get(), original);
      }
    }
    removeRecord(s.root(), rec);
  }

  /** The record's annotation, and the annotations key itself when inject created it. */
  private void removeRecord(MappingNode object, InjectRecord rec) {
    MappingNode meta = Nodes.mapping(object, "metadata").orElseThrow();
    MappingNode annotations = Nodes.mapping(meta, "annotations").orElseThrow();
    if (rec.created("annotations") && annotations.getValue().size() == 1) {
      edits.remove(meta, Set.of(Nodes.index(meta, "annotations")));
    } else {
      edits.remove(annotations, Set.of(Nodes.index(annotations, InjectRecord.ANNOTATION)));
    }
  }

  private static String nameOf(Node n) {
    return Nodes.text(n, "name");
  }

  private static Set<Integer> indices(SequenceNode seq, Predicate<Node> which) {
    Set<Integer> out = new HashSet<>();
    List<Node> items = seq.getValue();
    for (int i = 0; i < items.size(); i++) {
      if (which.test(items.get(i))) {
        out.add(i);
      }
    }
    return out;
  }
}

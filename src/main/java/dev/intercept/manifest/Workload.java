package dev.intercept.manifest;

import dev.intercept.protocol.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A Deployment, StatefulSet or DaemonSet in the input: the parts of its pod template inject reads
 * and changes. Other kinds that run pods (Pod, ReplicaSet, Job, ...) are not workloads here.
 */
record Workload(
    MappingNode root,
    String kind,
    String name,
    String namespace,
    MappingNode labels,
    MappingNode podSpec,
    SequenceNode containers) {

  static final Set<String> KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet");

  /** Kinds that carry a pod template inject leaves as is (with a note). */
  static final Set<String> OTHER_POD_KINDS =
      Set.of("Pod", "ReplicaSet", "ReplicationController", "Job", "CronJob");

  /** A container port: which container, its name (or null), number and protocol. */
  record Port(int container, String containerName, String name, int number, String protocol) {
    String describe() {
      return (name == null ? "" : name + " ") + number + " of container " + containerName;
    }
  }

  static Optional<Workload> of(Node doc) {
    String kind = Nodes.text(doc, "kind");
    String api = Nodes.text(doc, "apiVersion");
    if (!(doc instanceof MappingNode root)
        || kind == null
        || !KINDS.contains(kind)
        || !"apps/v1".equals(api)) {
      return Optional.empty();
    }
    String name = Nodes.mapping(root, "metadata").map(m -> Nodes.text(m, "name")).orElse(null);
    String id = kind + "/" + name;
    if (name == null) {
      throw new InvalidInputException("a " + kind + " without metadata.name");
    }
    MappingNode template =
        Nodes.mapping(root, "spec", "template")
            .orElseThrow(() -> new InvalidInputException(id + " has no spec.template"));
    MappingNode labels =
        Nodes.mapping(template, "metadata", "labels")
            .orElseThrow(() -> new InvalidInputException(id + " has no pod template labels"));
    MappingNode podSpec =
        Nodes.mapping(template, "spec")
            .orElseThrow(() -> new InvalidInputException(id + " has no pod spec"));
    SequenceNode containers =
        Nodes.sequence(podSpec, "containers")
            .filter(s -> !s.getValue().isEmpty())
            .orElseThrow(() -> new InvalidInputException(id + " has no containers"));
    String namespace =
        Nodes.mapping(root, "metadata").map(m -> Nodes.text(m, "namespace")).orElse(null);
    return Optional.of(new Workload(root, kind, name, namespace, labels, podSpec, containers));
  }

  String id() {
    return kind + "/" + name;
  }

  Map<String, String> podLabels() {
    Map<String, String> out = new LinkedHashMap<>();
    labels
        .getValue()
        .forEach(t -> out.put(Nodes.text(t.getKeyNode()), Nodes.text(t.getValueNode())));
    return out;
  }

  List<String> containerNames() {
    return containers.getValue().stream().map(c -> Nodes.text(c, "name")).toList();
  }

  /** Every port the containers declare. */
  List<Port> ports() {
    List<Port> out = new ArrayList<>();
    List<Node> cs = containers.getValue();
    for (int i = 0; i < cs.size(); i++) {
      for (Node p : Nodes.items(cs.get(i), "ports")) {
        String number = Nodes.text(p, "containerPort");
        if (number == null || !number.matches("[0-9]{1,5}")) {
          throw new InvalidInputException(id() + ": a containerPort that is no number: " + number);
        }
        String protocol = Nodes.text(p, "protocol");
        out.add(
            new Port(
                i,
                Nodes.text(cs.get(i), "name"),
                Nodes.text(p, "name"),
                Integer.parseInt(number),
                protocol == null ? "TCP" : protocol));
      }
    }
    return out;
  }

  boolean hostNetwork() {
    return "true".equals(Nodes.text(podSpec, "hostNetwork"));
  }

  /** The pod's service account, as the proxy's --sidecar-service-accounts names it. */
  String serviceAccount() {
    String sa = Nodes.text(podSpec, "serviceAccountName");
    if (sa == null) {
      sa = Nodes.text(podSpec, "serviceAccount");
    }
    return (namespace == null ? "NAMESPACE" : namespace) + ":" + (sa == null ? "default" : sa);
  }

  Optional<MappingNode> metadata() {
    return Nodes.mapping(root, "metadata");
  }
}

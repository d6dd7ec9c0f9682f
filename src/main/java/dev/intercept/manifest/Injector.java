package dev.intercept.manifest;

import dev.intercept.protocol.InvalidInputException;
import dev.intercept.protocol.Names;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Adds the sidecar to every workload of a stream that has no record of it, and moves the ports of
 * the Services that select it to the sidecar. Everything is checked before the first edit: a
 * refusal changes nothing.
 */
final class Injector {
  private final InjectOptions o;
  private final SidecarParts parts;
  private final YamlSource src;
  private final TextEdits edits;
  private final List<String> notes = new ArrayList<>();
  private final Map<ServiceDoc, Render> services = new LinkedHashMap<>();
  private final Map<ServiceDoc, Set<Integer>> moved = new LinkedHashMap<>();

  private Injector(YamlSource src, InjectOptions o) {
    this.o = o;
    this.parts = new SidecarParts(o);
    this.src = src;
    this.edits = new TextEdits(src);
  }

  /** Injects a stream in which nothing is injected any more (see {@link SidecarInjection}). */
  static SidecarInjection.Result run(YamlSource src, InjectOptions o) {
    Injector in = new Injector(src, o);
    List<ManifestObjects.Entry> workloads = new ArrayList<>();
    for (ManifestObjects.Entry e : ManifestObjects.of(src).entries()) {
      Node n = e.node();
      if (Workload.of(n).isPresent()) {
        workloads.add(e);
      } else {
        ServiceDoc.of(n).ifPresent(s -> in.services.put(s, e.render()));
        String kind = Nodes.text(n, "kind");
        if (kind != null && Workload.OTHER_POD_KINDS.contains(kind)) {
          in.notes.add("left as is: " + ManifestObjects.id(n) + " (inject takes " + kinds() + ")");
        }
      }
    }
    if (workloads.isEmpty()) {
      throw new InvalidInputException("nothing to inject: no " + kinds() + " in the input");
    }
    for (ManifestObjects.Entry e : workloads) {
      in.workload(Workload.of(e.node()).orElseThrow(), e.render());
    }
    in.moved.forEach(in::service);
    return new SidecarInjection.Result(in.edits.apply(), in.notes);
  }

  static String kinds() {
    return "Deployment, StatefulSet or DaemonSet";
  }

  private void workload(Workload w, Render r) {
    checkPod(w);
    List<ServiceDoc> selecting = services.keySet().stream().filter(s -> s.selects(w)).toList();
    Workload.Port port = AppPort.choose(w, selecting, o.port());
    Map<ServiceDoc, List<Integer>> targets = new LinkedHashMap<>();
    for (ServiceDoc s : selecting) {
      List<Integer> t = s.targeting(port);
      if (!t.isEmpty()) {
        targets.put(s, t);
      }
    }
    if (!selecting.isEmpty() && targets.isEmpty()) {
      throw new InvalidInputException(
          w.id()
              + ": "
              + selecting.get(0).id()
              + " selects its pods but no port of it targets the app's port "
              + port.describe()
              + " (choose the app's port with --port)");
    }
    String app = o.appName() != null ? o.appName() : w.name();
    if (!Names.LABEL.matcher(app).matches()) {
      throw new InvalidInputException(
          w.id() + ": '" + app + "' is no app name (a DNS label): give one with --app-name");
    }
    String protocol = AppProtocol.choose(o.appProtocol(), targets, w.id());
    InjectRecord rec = InjectRecord.fresh();
    edits.append(r, w.containers(), parts.containers(app, port.number(), protocol));
    parts.containerNames().forEach(n -> rec.add("containers", n));
    Optional<SequenceNode> volumes = Nodes.sequence(w.podSpec(), "volumes");
    if (volumes.isPresent()) {
      edits.append(r, volumes.get(), parts.volumes());
    } else {
      edits.put(r, w.podSpec(), Map.of("volumes", parts.volumes()));
      rec.add("created", "volumes");
    }
    parts.volumeNames().forEach(n -> rec.add("volumes", n));
    if (Nodes.index(w.labels(), ProxyNames.SIDECAR_LABEL) < 0) {
      edits.put(r, w.labels(), Map.of(ProxyNames.SIDECAR_LABEL, "true"));
      rec.json.put("label", true);
    }
    annotate(w.root(), r, rec, w.id());
    targets.forEach((s, t) -> moved.computeIfAbsent(s, k -> new LinkedHashSet<>()).addAll(t));
    notes.add(
        "injected "
            + w.id()
            + ": app "
            + app
            + ", port "
            + port.describe()
            + (protocol == null ? "" : " (" + protocol + ")")
            + (targets.isEmpty()
                ? "; no Service in the input selects it: point yours at port '"
                    + SidecarParts.PORT_NAME
                    + "' ("
                    + ProxyNames.sidecarPort()
                    + ")"
                : "; moved to the sidecar: "
                    + String.join(", ", targets.keySet().stream().map(ServiceDoc::id).toList()))
            + "; the proxy must list its service account: --sidecar-service-accounts "
            + w.serviceAccount());
  }

  /** What the sidecar cannot live with, checked before anything is changed. */
  private void checkPod(Workload w) {
    if (w.hostNetwork()) {
      throw new InvalidInputException(
          w.id() + ": its pods use hostNetwork: the sidecar would listen on the node itself");
    }
    for (String name : parts.containerNames()) {
      if (w.containerNames().contains(name)) {
        throw new InvalidInputException(
            w.id() + ": it already has a container named '" + name + "' that inject did not add");
      }
    }
    List<String> ours = parts.volumeNames();
    for (Node v : Nodes.items(w.podSpec(), "volumes")) {
      if (ours.contains(Nodes.text(v, "name"))) {
        throw new InvalidInputException(
            w.id() + ": it already has a volume named '" + Nodes.text(v, "name") + "'");
      }
    }
    if (Nodes.isNull(w.podSpec(), "volumes")) {
      throw new InvalidInputException(w.id() + ": volumes is null: remove it or write []");
    }
    String label = Nodes.text(w.labels(), ProxyNames.SIDECAR_LABEL);
    if (label != null && !label.equals("true")) {
      throw new InvalidInputException(
          w.id() + ": its pods' label " + ProxyNames.SIDECAR_LABEL + " is '" + label + "'");
    }
    if (Nodes.hasAnchors(w.root())) {
      throw new InvalidInputException(
          w.id() + ": uses YAML anchors or aliases, which inject cannot edit through");
    }
  }

  private void service(ServiceDoc s, Set<Integer> ports) {
    Render r = services.get(s);
    if (Nodes.hasAnchors(s.root())) {
      throw new InvalidInputException(
          s.id() + ": uses YAML anchors or aliases, which inject cannot edit through");
    }
    InjectRecord rec = InjectRecord.fresh();
    JsonObject originals = new JsonObject();
    for (int i : ports) {
      Node port = s.portItems().get(i);
      Optional<Node> target = Nodes.get(port, "targetPort");
      if (target.isPresent()) {
        originals.put(Nodes.text(port, "port"), src.source(target.get()));
        edits.replace(target.get(), r.flow(SidecarParts.PORT_NAME));
      } else {
        originals.putNull(Nodes.text(port, "port"));
        edits.put(r, (MappingNode) port, Map.of("targetPort", SidecarParts.PORT_NAME));
      }
    }
    rec.json.put("targetPorts", originals);
    annotate(s.root(), r, rec, s.id());
  }

  /** The record, in the object's annotations (created when it has none). */
  private void annotate(MappingNode object, Render r, InjectRecord rec, String id) {
    MappingNode meta =
        Nodes.mapping(object, "metadata")
            .orElseThrow(() -> new InvalidInputException(id + " has no metadata"));
    Optional<MappingNode> annotations = Nodes.mapping(meta, "annotations");
    if (annotations.isPresent()) {
      edits.put(r, annotations.get(), Map.of(InjectRecord.ANNOTATION, rec.encode()));
    } else if (Nodes.isNull(meta, "annotations")) {
      throw new InvalidInputException(id + ": annotations is null: remove it or write {}");
    } else {
      rec.add("created", "annotations");
      edits.put(r, meta, Map.of("annotations", Map.of(InjectRecord.ANNOTATION, rec.encode())));
    }
  }
}

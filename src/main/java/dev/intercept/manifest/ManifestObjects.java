package dev.intercept.manifest;

import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The objects of a stream: each document, or each item of a {@code kind: List} (what {@code kubectl
 * get -o yaml} prints for several objects), with the style text inserted into it takes.
 */
record ManifestObjects(YamlSource source, List<ManifestObjects.Entry> entries) {
  record Entry(Node node, Render render) {}

  static ManifestObjects of(YamlSource src) {
    List<Entry> out = new ArrayList<>();
    for (Node doc : src.documents) {
      Render r = new Render(YamlSource.isJson(doc), src.indentlessSequences(doc), src.lineBreak);
      if ("List".equals(Nodes.text(doc, "kind"))) {
        Nodes.items(doc, "items").forEach(item -> out.add(new Entry(item, r)));
      } else {
        out.add(new Entry(doc, r));
      }
    }
    return new ManifestObjects(src, out);
  }

  static String id(Node object) {
    String name = Nodes.mapping(object, "metadata").map(m -> Nodes.text(m, "name")).orElse("?");
    return Nodes.text(object, "kind") + "/" + name;
  }
}

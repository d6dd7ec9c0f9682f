package dev.intercept.manifest;

import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Install's manifests as one YAML stream, kubectl's style: the header's lines as they are, then
 * each object with its comment above it.
 */
public final class ManifestWriter {
  private static final int WIDTH = 98;

  private ManifestWriter() {}

  public static String yaml(List<String> header, List<ProxyManifests.Doc> docs) {
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    o.setIndent(2);
    o.setWidth(Integer.MAX_VALUE);
    o.setSplitLines(false);
    Yaml yaml = new Yaml(o);
    StringBuilder out = new StringBuilder();
    header.forEach(h -> out.append("# ").append(h).append('\n'));
    for (ProxyManifests.Doc d : docs) {
      out.append("---\n");
      if (d.comment() != null) {
        comment(out, d.comment());
      }
      out.append(yaml.dump(ManifestMaps.plain(d.object())));
    }
    return out.toString();
  }

  /** A comment, its words wrapped at {@value #WIDTH} columns. */
  private static void comment(StringBuilder out, String text) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder("#");
    for (String word : text.split(" ")) {
      if (line.length() > 1 && line.length() + 1 + word.length() > WIDTH) {
        lines.add(line.toString());
        line = new StringBuilder("#");
      }
      line.append(' ').append(word);
    }
    lines.add(line.toString());
    lines.forEach(l -> out.append(l).append('\n'));
  }
}

package dev.intercept.manifest;

import io.vertx.core.json.Json;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * What inject inserts, as text in the style of the place it goes: block YAML at a column (with the
 * document's way of indenting sequences), one-line flow YAML, or JSON in a JSON document.
 */
final class Render {
  private final boolean json;
  private final boolean indentless;
  private final String lineBreak;

  Render(boolean json, boolean indentless, String lineBreak) {
    this.json = json;
    this.indentless = indentless;
    this.lineBreak = lineBreak;
  }

  /** A value inside a flow collection (or a scalar anywhere): one line. */
  String flow(Object value) {
    if (json) {
      return Json.encode(value);
    }
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.FLOW);
    o.setWidth(Integer.MAX_VALUE);
    o.setSplitLines(false);
    String s = new Yaml(o).dump(value);
    return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }

  /** Entries of a block mapping whose keys sit at {@code column}: whole lines. */
  String blockEntries(Map<String, ?> entries, int column) {
    return indent(block(entries), column);
  }

  /** Items of a block sequence whose dashes sit at {@code column}: whole lines. */
  String blockItems(List<?> items, int column) {
    return indent(block(items), column);
  }

  private String block(Object value) {
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    o.setIndent(2);
    if (!indentless) {
      o.setIndicatorIndent(2);
      o.setIndentWithIndicator(true);
    }
    o.setWidth(Integer.MAX_VALUE);
    o.setSplitLines(false);
    return new Yaml(o).dump(value);
  }

  /** Moves the lines of {@code yaml} so that its outermost level starts at {@code column}. */
  private String indent(String yaml, int column) {
    String[] lines = yaml.split("\n");
    int least = Integer.MAX_VALUE;
    for (String l : lines) {
      if (!l.isBlank()) {
        least = Math.min(least, l.length() - l.stripLeading().length());
      }
    }
    String pad = " ".repeat(column);
    StringBuilder out = new StringBuilder();
    for (String l : lines) {
      out.append(pad).append(l.substring(Math.min(least, l.length()))).append(lineBreak);
    }
    return out.toString();
  }
}

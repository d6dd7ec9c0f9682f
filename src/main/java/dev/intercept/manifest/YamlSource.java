package dev.intercept.manifest;

import dev.intercept.protocol.InvalidInputException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions.FlowStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML (or JSON) stream and its node trees, with each node's place in the text. Edits are made on
 * the text at those places, so everything they do not touch (comments, quoting, order, spacing)
 * stays byte for byte. SnakeYAML counts code points; the positions here are {@code String} indices.
 */
final class YamlSource {
  private static final int MAX_CHARS = 8 * 1024 * 1024;

  final String text;
  final List<Node> documents;
  final String lineBreak;
  private final int[] charIndex;

  private YamlSource(String text, List<Node> documents, int[] charIndex) {
    this.text = text;
    this.documents = documents;
    this.charIndex = charIndex;
    this.lineBreak = text.contains("\r\n") ? "\r\n" : "\n";
  }

  /** Parses every document; a stream that is no YAML is refused with the parser's line. */
  static YamlSource parse(String text) {
    if (text.length() > MAX_CHARS) {
      throw new InvalidInputException("the input is larger than 8 MiB");
    }
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_CHARS);
    List<Node> docs = new ArrayList<>();
    try {
      for (Node n : new Yaml(options).composeAll(new StringReader(text))) {
        docs.add(n);
      }
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String where = m == null ? "" : " at line " + (m.getLine() + 1) + ":" + (m.getColumn() + 1);
      throw new InvalidInputException("not YAML" + where + ": " + e.getProblem());
    } catch (YAMLException e) {
      throw new InvalidInputException("not YAML: " + e.getMessage());
    }
    return new YamlSource(text, docs, charIndex(text));
  }

  /** Code point index to char index; null when they are the same (no surrogate pairs). */
  private static int[] charIndex(String text) {
    if (text.codePointCount(0, text.length()) == text.length()) {
      return null;
    }
    int[] map = new int[text.codePointCount(0, text.length()) + 1];
    int cp = 0;
    for (int i = 0; i < text.length(); i = text.offsetByCodePoints(i, 1)) {
      map[cp++] = i;
    }
    map[cp] = text.length();
    return map;
  }

  private int chars(Mark m) {
    return charIndex == null ? m.getIndex() : charIndex[m.getIndex()];
  }

  int start(Node n) {
    return chars(n.getStartMark());
  }

  int end(Node n) {
    return chars(n.getEndMark());
  }

  /** The node's source text, quotes included. */
  String source(Node n) {
    return text.substring(start(n), end(n));
  }

  int line(Node n) {
    return n.getStartMark().getLine();
  }

  /** Column of the node's first character (indentation is spaces, so chars = code points). */
  int column(Node n) {
    return n.getStartMark().getColumn();
  }

  /** Where the last character of the node's content ends: trailing comments and lines excluded. */
  int contentEnd(Node n) {
    if (n instanceof ScalarNode) {
      return start(n) == end(n) ? -1 : end(n);
    }
    if (isFlow(n)) {
      return end(n);
    }
    if (n instanceof MappingNode m && !m.getValue().isEmpty()) {
      var last = m.getValue().get(m.getValue().size() - 1);
      return Math.max(contentEnd(last.getKeyNode()), contentEnd(last.getValueNode()));
    }
    if (n instanceof SequenceNode s && !s.getValue().isEmpty()) {
      return contentEnd(s.getValue().get(s.getValue().size() - 1));
    }
    return end(n);
  }

  static boolean isFlow(Node n) {
    return (n instanceof MappingNode m && m.getFlowStyle() == FlowStyle.FLOW)
        || (n instanceof SequenceNode s && s.getFlowStyle() == FlowStyle.FLOW);
  }

  /** Start of the line that holds position {@code pos}. */
  int lineStart(int pos) {
    int i = pos;
    while (i > 0 && text.charAt(i - 1) != '\n') {
      i--;
    }
    return i;
  }

  /** Just after the line break that ends the line of the character before {@code pos}. */
  int lineEnd(int pos) {
    if (pos > 0 && text.charAt(pos - 1) == '\n') {
      return pos;
    }
    int nl = text.indexOf('\n', pos);
    return nl < 0 ? text.length() : nl + 1;
  }

  /**
   * From {@code pos} (a line start), past the following comment lines indented deeper than {@code
   * column}: they belong to the entry above, so what is inserted goes after them.
   */
  int skipDeeperComments(int pos, int column) {
    int i = pos;
    while (i < text.length()) {
      int j = i;
      while (j < text.length() && text.charAt(j) == ' ') {
        j++;
      }
      if (j - i <= column || j >= text.length() || text.charAt(j) != '#') {
        return i;
      }
      i = lineEnd(j + 1);
    }
    return i;
  }

  /** Whether the document is JSON (a flow mapping at the root): what is inserted is then JSON. */
  static boolean isJson(Node document) {
    return document instanceof MappingNode m && m.getFlowStyle() == FlowStyle.FLOW;
  }

  /**
   * Whether the block sequences of this document are written kubectl's way, with the dashes at
   * their key's column ({@code containers:\n- name: x}), or indented; the first one found decides.
   */
  boolean indentlessSequences(Node document) {
    Boolean found = firstSequenceStyle(document);
    return found == null || found;
  }

  private Boolean firstSequenceStyle(Node n) {
    if (n instanceof MappingNode m && !isFlow(m)) {
      for (var t : m.getValue()) {
        if (t.getValueNode() instanceof SequenceNode s && !isFlow(s) && !s.getValue().isEmpty()) {
          return dashColumn(s.getValue().get(0)) == column(t.getKeyNode());
        }
        Boolean inner = firstSequenceStyle(t.getValueNode());
        if (inner != null) {
          return inner;
        }
      }
    }
    if (n instanceof SequenceNode s && !isFlow(s)) {
      for (Node item : s.getValue()) {
        Boolean inner = firstSequenceStyle(item);
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  /** Column of the dash that introduces a block sequence item. */
  int dashColumn(Node item) {
    int i = start(item) - 1;
    while (i >= 0 && text.charAt(i) != '-') {
      i--;
    }
    return i - lineStart(i);
  }
}

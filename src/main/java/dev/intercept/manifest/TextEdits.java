package dev.intercept.manifest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Changes to a {@link YamlSource}'s text, made at the nodes' places: insert items or entries (as
 * whole lines in block style, after a separator in flow style), remove them, replace a scalar. A
 * removal takes out exactly the text an insertion put in, so uninject gives back the bytes inject
 * was given.
 */
final class TextEdits {
  /** {@code lines}: a removal of whole lines (adjacent ones merge; see {@link #apply}). */
  private record Edit(int start, int end, String text, int order, boolean lines) {}

  private final YamlSource src;
  private final List<Edit> edits = new ArrayList<>();

  TextEdits(YamlSource src) {
    this.src = src;
  }

  boolean isEmpty() {
    return edits.isEmpty();
  }

  void replace(Node scalar, String text) {
    add(src.start(scalar), src.end(scalar), text);
  }

  /** Appends items to a sequence. */
  void append(Render r, SequenceNode seq, List<?> items) {
    List<Node> have = seq.getValue();
    if (YamlSource.isFlow(seq)) {
      List<String> texts = items.stream().map(r::flow).toList();
      insertFlow(seq, have.isEmpty() ? null : have.get(have.size() - 1), texts);
      return;
    }
    int column = src.dashColumn(have.get(0));
    insertLines(src.contentEnd(have.get(have.size() - 1)), column, r.blockItems(items, column));
  }

  /** Adds entries (new keys) to a mapping. */
  void put(Render r, MappingNode map, Map<String, ?> entries) {
    List<NodeTuple> have = map.getValue();
    if (YamlSource.isFlow(map) || have.isEmpty()) {
      List<String> texts = new ArrayList<>();
      entries.forEach((k, v) -> texts.add(r.flow(k) + ": " + r.flow(v)));
      insertFlow(map, have.isEmpty() ? null : have.get(have.size() - 1).getKeyNode(), texts);
      return;
    }
    int column = src.column(have.get(0).getKeyNode());
    insertLines(src.contentEnd(map), column, r.blockEntries(entries, column));
  }

  private void insertLines(int contentEnd, int column, String lines) {
    int pos = src.skipDeeperComments(src.lineEnd(contentEnd), column);
    if (pos == src.text.length() && !src.text.endsWith("\n")) {
      // the last line has no line break: it gets one, and ours loses its own
      lines = src.lineBreak + lines.substring(0, lines.length() - src.lineBreak.length());
    }
    add(pos, pos, lines);
  }

  /** After {@code last} (the last item, or last entry's key; null: an empty collection). */
  private void insertFlow(Node collection, Node last, List<String> texts) {
    if (last == null) {
      add(src.start(collection) + 1, src.start(collection) + 1, String.join(", ", texts));
      return;
    }
    String sep =
        src.line(last) > src.line(collection)
            ? "," + src.lineBreak + " ".repeat(src.column(last))
            : ", ";
    int pos = itemEnd(collection, last);
    add(pos, pos, sep + String.join(sep, texts));
  }

  /** Removes the items at {@code indices} from a sequence. */
  void remove(SequenceNode seq, Set<Integer> indices) {
    List<Node> items = seq.getValue();
    removeItems(seq, items, items, indices);
  }

  /** Removes the entries at {@code indices} from a mapping. */
  void remove(MappingNode map, Set<Integer> indices) {
    List<Node> keys = map.getValue().stream().map(NodeTuple::getKeyNode).toList();
    removeItems(map, keys, keys, indices);
  }

  private void removeItems(Node collection, List<Node> starts, List<Node> ends, Set<Integer> out) {
    if (out.isEmpty()) {
      return;
    }
    if (!YamlSource.isFlow(collection)) {
      for (int i : out) {
        int from = src.lineStart(src.start(starts.get(i)));
        int to = src.lineEnd(src.contentEnd(entryOrItem(collection, i)));
        edits.add(new Edit(from, to, "", edits.size(), true));
      }
      return;
    }
    int n = starts.size();
    int firstKept = 0;
    while (firstKept < n && out.contains(firstKept)) {
      firstKept++;
    }
    if (firstKept == n) {
      add(src.start(starts.get(0)), itemEnd(collection, ends.get(n - 1)), "");
      return;
    }
    if (firstKept > 0) {
      add(src.start(starts.get(0)), src.start(starts.get(firstKept)), "");
    }
    for (int i = firstKept + 1; i < n; i++) {
      if (out.contains(i)) {
        add(itemEnd(collection, ends.get(i - 1)), itemEnd(collection, ends.get(i)), "");
      }
    }
  }

  /** A sequence's item, or a mapping's entry as its value (for where it ends). */
  private Node entryOrItem(Node collection, int i) {
    if (collection instanceof MappingNode m) {
      NodeTuple t = m.getValue().get(i);
      return src.contentEnd(t.getValueNode()) > 0 ? t.getValueNode() : t.getKeyNode();
    }
    return ((SequenceNode) collection).getValue().get(i);
  }

  /** Where an item (or the entry of this key) ends in a flow collection. */
  private int itemEnd(Node collection, Node itemOrKey) {
    if (collection instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() == itemOrKey) {
          return Math.max(src.end(t.getKeyNode()), src.contentEnd(t.getValueNode()));
        }
      }
    }
    return src.end(itemOrKey);
  }

  private void add(int start, int end, String text) {
    edits.add(new Edit(start, end, text, edits.size(), false));
  }

  /**
   * The text with every edit made. Edits must not overlap (a bug if they do). Removed lines that
   * touch merge; when they reach the end of a text whose last line has no line break, the line
   * break before them goes too (what an insertion there added).
   */
  String apply() {
    List<Edit> sorted = new ArrayList<>();
    edits.stream()
        .sorted(
            Comparator.comparingInt(Edit::start)
                .thenComparingInt(Edit::end)
                .thenComparingInt(Edit::order))
        .forEach(
            e -> {
              Edit last = sorted.isEmpty() ? null : sorted.get(sorted.size() - 1);
              if (last != null && last.lines() && e.lines() && last.end() == e.start()) {
                sorted.set(sorted.size() - 1, new Edit(last.start(), e.end(), "", e.order(), true));
              } else {
                sorted.add(e);
              }
            });
    String text = src.text;
    StringBuilder out = new StringBuilder();
    int at = 0;
    for (Edit e : sorted) {
      int start = e.start();
      if (e.lines() && e.end() == text.length() && !text.endsWith("\n") && start > 0) {
        start -= text.startsWith("\r\n", start - 2) ? 2 : 1;
      }
      if (start < at) {
        throw new IllegalStateException("overlapping edits at " + start);
      }
      out.append(text, at, start).append(e.text());
      at = e.end();
    }
    return out.append(text.substring(at)).toString();
  }
}

package dev.intercept.cli;

import dev.intercept.protocol.Hits;

/** An intercept's hits as list and status print them: " hits N (E errors), last 3 s ago". */
final class HitsText {
  private HitsText() {}

  static String of(Hits h, long now) {
    if (h == null) {
      return "";
    }
    String errors = h.errors() == 0 ? "" : " (" + h.errors() + " errors)";
    String last = h.lastAt() == 0 ? "never" : Math.max(0, (now - h.lastAt()) / 1000) + " s ago";
    return " hits " + h.requests() + errors + ", last " + last;
  }
}

package dev.intercept.policy;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Lower bounds on a simplified regexp's program, computed once per shared subtree so that {@code
 * \p{L}{1000}} costs one class, not a thousand: the instructions RE2's compiler must allocate (past
 * its budget RE2 gives up), and the instructions the flattened program must keep (each reachable
 * byte range, empty-width and capture instruction survives flattening at least once). They let a
 * hopeless pattern be refused without compiling it.
 */
final class ProgramBounds {
  private static final long CAP = Long.MAX_VALUE / 4;

  private record Bounds(long allocated, long kept) {}

  private final Map<Re2Regexp, Bounds> memo = new IdentityHashMap<>();
  private boolean noMatch;

  private ProgramBounds() {}

  /** {allocated, kept} for the whole program; kept is 0 when the pattern can never match. */
  static long[] of(Re2Regexp re) {
    ProgramBounds b = new ProgramBounds();
    Bounds all = b.bounds(re);
    // plus the match and the fail instruction (and, unanchored, two more that this ignores)
    return new long[] {all.allocated() + 2, b.noMatch ? 0 : all.kept() + 2};
  }

  private Bounds bounds(Re2Regexp re) {
    Bounds known = memo.get(re);
    if (known != null) {
      return known;
    }
    long allocated = 0;
    long kept = 0;
    for (Re2Regexp sub : re.subs()) {
      Bounds b = bounds(sub);
      allocated = Math.min(CAP, allocated + b.allocated());
      kept = Math.min(CAP, kept + b.kept());
    }
    switch (re.op()) {
      case NO_MATCH -> noMatch = true;
      case EMPTY_MATCH, STAR, PLUS, QUEST -> allocated += 1;
      case BEGIN_LINE, END_LINE, BEGIN_TEXT, END_TEXT, WORD_BOUNDARY, NO_WORD_BOUNDARY -> {
        allocated += 1;
        kept += 1;
      }
      case LITERAL, LITERAL_STRING -> {
        long bytes = 0;
        for (int r : re.runes()) {
          bytes += Utf8Ranges.encode(r).length;
        }
        allocated += Math.max(bytes, 1);
        kept += bytes;
      }
      case CHAR_CLASS, ANY_CHAR -> {
        allocated += Re2Compiler.rangeInstructions(re);
        kept += 1;
      }
      case CAPTURE -> {
        if (re.cap() >= 0) {
          kept += 2;
        }
      }
      default -> {}
    }
    Bounds b = new Bounds(allocated, kept);
    memo.put(re, b);
    return b;
  }
}

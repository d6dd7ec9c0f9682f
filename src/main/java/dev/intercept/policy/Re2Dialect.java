package dev.intercept.policy;

import dev.intercept.policy.Re2Regexp.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns RE2/J's parse tree into the tree RE2 C++ builds for the same pattern. Both parsers descend
 * from one design, so the trees mostly agree; where they differ in a way that changes the compiled
 * program, this follows RE2: '.' is a class, a case-folded rune other than an ASCII letter becomes
 * a class of its folding orbit, {@code (?:x*)+} squashes to {@code x*}, any-char swallows a
 * neighbouring one-character alternative, and alternations get RE2's factoring. The tree comes from
 * the SizingPattern, whose markers keep RE2/J from factoring first; they are dropped here.
 */
final class Re2Dialect {
  private static final int LONG_S = 0x17F;
  private static final int KELVIN = 0x212A;

  private final SizingPattern sizing;

  private Re2Dialect(SizingPattern sizing) {
    this.sizing = sizing;
  }

  /** RE2's tree for the tree RE2/J parsed from sizing's pattern (its markers dropped). */
  static Re2Regexp convert(Re2jParser.Node n, SizingPattern sizing) {
    return new Re2Dialect(sizing).convert(n);
  }

  private Re2Regexp convert(Re2jParser.Node n) {
    int flags = n.flags();
    return switch (n.op()) {
      case "NO_MATCH" -> Re2Regexp.leaf(Op.NO_MATCH, flags);
      case "EMPTY_MATCH" -> Re2Regexp.leaf(Op.EMPTY_MATCH, flags);
      case "BEGIN_LINE" -> Re2Regexp.leaf(Op.BEGIN_LINE, flags);
      case "END_LINE" -> Re2Regexp.leaf(Op.END_LINE, flags);
      case "BEGIN_TEXT" -> Re2Regexp.leaf(Op.BEGIN_TEXT, flags);
      case "END_TEXT" -> Re2Regexp.leaf(Op.END_TEXT, flags);
      case "WORD_BOUNDARY" -> Re2Regexp.leaf(Op.WORD_BOUNDARY, flags);
      case "NO_WORD_BOUNDARY" -> Re2Regexp.leaf(Op.NO_WORD_BOUNDARY, flags);
      case "ANY_CHAR" -> Re2Regexp.leaf(Op.ANY_CHAR, flags);
      // RE2 parses '.' as the class [^\n]
      case "ANY_CHAR_NOT_NL" ->
          Re2Regexp.charClass(
              new int[] {0, '\n' - 1, '\n' + 1, Re2Regexp.MAX_RUNE}, flags & ~Re2jParser.FOLD_CASE);
      case "CHAR_CLASS" -> Re2Regexp.charClass(RuneSet.normalize(n.runes()), flags);
      case "LITERAL" -> Re2Regexp.concatOrAlternate(Op.CONCAT, flags, literal(n));
      case "CAPTURE" ->
          isMarker(n)
              ? Re2Regexp.leaf(Op.EMPTY_MATCH, flags)
              : Re2Regexp.capture(convert(n.subs().get(0)), flags, n.cap());
      case "STAR" -> repetition(Op.STAR, flags, convert(n.subs().get(0)));
      case "PLUS" -> repetition(Op.PLUS, flags, convert(n.subs().get(0)));
      case "QUEST" -> repetition(Op.QUEST, flags, convert(n.subs().get(0)));
      case "REPEAT" -> Re2Regexp.repeat(convert(n.subs().get(0)), flags, n.min(), n.max());
      case "CONCAT" -> concat(n);
      case "ALTERNATE" -> alternate(n);
      default -> throw new IllegalStateException("unexpected RE2/J node " + n.op());
    };
  }

  /**
   * Whether case folding reaches a non-ASCII rune other than the two that fold with ASCII letters
   * (K, the Kelvin sign, and ſ, long s, stable since Unicode 1): folding tables differ between
   * Unicode versions, so such a pattern's size is only an estimate. A class is judged by its
   * smaller side (what a negated class leaves out), since folding only changes that side.
   */
  static boolean foldsNonAscii(Re2jParser.Node n) {
    if ((n.flags() & Re2jParser.FOLD_CASE) != 0) {
      if (n.op().equals("LITERAL")) {
        for (int r : n.runes()) {
          if (r >= 0x80 && r != LONG_S && r != KELVIN) {
            return true;
          }
        }
      } else if (n.op().equals("CHAR_CLASS") && n.runes().length > 0) {
        RuneSet side = new RuneSet();
        int[] ranges = RuneSet.normalize(n.runes());
        boolean small = RuneSet.size(ranges) <= (Re2Regexp.MAX_RUNE + 1) / 2;
        side.addRanges(small ? ranges : RuneSet.complement(ranges));
        side.remove(LONG_S);
        side.remove(KELVIN);
        int[] kept = side.toRanges();
        if (kept.length > 0 && kept[kept.length - 1] >= 0x80) {
          return true;
        }
      }
    }
    for (Re2jParser.Node sub : n.subs()) {
      if (foldsNonAscii(sub)) {
        return true;
      }
    }
    return false;
  }

  /**
   * RE2 pushes a case-folded rune as the class of its orbit, then turns a class of one rune back
   * into a literal and [Aa] into a case-folded literal; anything else (k, s, non-ASCII) stays a
   * class and breaks the string.
   */
  private static List<Re2Regexp> literal(Re2jParser.Node n) {
    List<Re2Regexp> out = new ArrayList<>();
    int[] pending = new int[n.runes().length];
    int npending = 0;
    boolean fold = (n.flags() & Re2jParser.FOLD_CASE) != 0;
    for (int r : n.runes()) {
      if (fold) {
        RuneSet orbit = new RuneSet();
        orbit.addFoldedGenerously(r);
        int[] ranges = orbit.toRanges();
        int size = RuneSet.size(ranges);
        if (size == 2
            && ranges[0] >= 'A'
            && ranges[0] <= 'Z'
            && RuneSet.contains(ranges, ranges[0] + 32)) {
          r = ranges[0] + 'a' - 'A';
        } else if (size > 1) {
          flush(out, pending, npending, n.flags());
          npending = 0;
          out.add(Re2Regexp.charClass(ranges, n.flags() & ~Re2jParser.FOLD_CASE));
          continue;
        }
      }
      pending[npending++] = r;
    }
    flush(out, pending, npending, n.flags());
    return out;
  }

  private static void flush(List<Re2Regexp> out, int[] pending, int n, int flags) {
    if (n > 0) {
      out.add(Re2Regexp.string(Arrays.copyOf(pending, n), flags));
    }
  }

  /**
   * RE2 squashes a repetition of a repetition with the same flags: **, ++, ?? to one, mixed to *.
   */
  private static Re2Regexp repetition(Op op, int flags, Re2Regexp sub) {
    if (sub.op() == op && sub.flags() == flags) {
      return sub;
    }
    if (sub.isRepetition() && sub.flags() == flags) {
      return sub.op() == Op.STAR ? sub : Re2Regexp.unary(Op.STAR, flags, sub.sub());
    }
    return Re2Regexp.unary(op, flags, sub);
  }

  private boolean isMarker(Re2jParser.Node n) {
    return n.op().equals("CAPTURE") && sizing.isMarker(n.name());
  }

  private Re2Regexp concat(Re2jParser.Node n) {
    List<Re2Regexp> subs = new ArrayList<>();
    for (Re2jParser.Node s : n.subs()) {
      if (isMarker(s)) {
        continue;
      }
      Re2Regexp c = convert(s);
      for (Re2Regexp piece : c.op() == Op.CONCAT ? c.subs() : List.of(c)) {
        int last = subs.size() - 1;
        if (last >= 0
            && isLiteral(piece)
            && isLiteral(subs.get(last))
            && piece.foldCase() == subs.get(last).foldCase()) {
          subs.set(last, join(subs.get(last), piece));
        } else {
          subs.add(piece);
        }
      }
    }
    return Re2Regexp.concatOrAlternate(Op.CONCAT, n.flags(), subs);
  }

  private static boolean isSingleChar(Re2Regexp re) {
    return re.op() == Op.LITERAL || re.op() == Op.CHAR_CLASS || re.op() == Op.ANY_CHAR;
  }

  private static boolean isLiteral(Re2Regexp re) {
    return re.op() == Op.LITERAL || re.op() == Op.LITERAL_STRING;
  }

  private static Re2Regexp join(Re2Regexp a, Re2Regexp b) {
    int[] runes = Arrays.copyOf(a.runes(), a.runes().length + b.runes().length);
    System.arraycopy(b.runes(), 0, runes, a.runes().length, b.runes().length);
    return Re2Regexp.string(runes, a.flags());
  }

  private Re2Regexp alternate(Re2jParser.Node n) {
    List<Re2Regexp> subs = new ArrayList<>();
    Re2Regexp previous = null;
    for (Re2jParser.Node s : n.subs()) {
      Re2Regexp c = convert(s);
      // at each |, RE2 lets any-char swallow the alternative just before or after it when that
      // is a literal, class or any-char (and not a group's alternation, which it splices later)
      if (previous != null && previous.op() == Op.ANY_CHAR && isSingleChar(c)) {
        continue;
      }
      if (previous != null && c.op() == Op.ANY_CHAR && isSingleChar(previous)) {
        subs.set(subs.size() - 1, c);
        previous = c;
        continue;
      }
      subs.addAll(c.op() == Op.ALTERNATE ? c.subs() : List.of(c));
      previous = c;
    }
    List<Re2Regexp> factored = AlternationFactoring.factor(subs, n.flags());
    return Re2Regexp.concatOrAlternate(Op.ALTERNATE, n.flags(), factored);
  }
}

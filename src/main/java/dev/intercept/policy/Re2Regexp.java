package dev.intercept.policy;

import java.util.Arrays;
import java.util.List;

/**
 * A regexp as RE2 C++ holds it after parsing (its {@code re2::Regexp}): the node kinds, and the
 * flags, that decide the program RE2 compiles. Literal runes and class ranges live in {@code runes}
 * (a class as sorted, merged lo/hi pairs). Subtrees may be shared: simplification repeats a
 * subexpression by reference, never by copy.
 */
record Re2Regexp(Op op, int flags, List<Re2Regexp> subs, int[] runes, int min, int max, int cap) {

  enum Op {
    NO_MATCH,
    EMPTY_MATCH,
    LITERAL,
    LITERAL_STRING,
    CHAR_CLASS,
    ANY_CHAR,
    BEGIN_LINE,
    END_LINE,
    BEGIN_TEXT,
    END_TEXT,
    WORD_BOUNDARY,
    NO_WORD_BOUNDARY,
    CAPTURE,
    STAR,
    PLUS,
    QUEST,
    REPEAT,
    CONCAT,
    ALTERNATE
  }

  static final int MAX_RUNE = 0x10FFFF;
  private static final int[] NONE = new int[0];

  static Re2Regexp leaf(Op op, int flags) {
    return new Re2Regexp(op, flags, List.of(), NONE, 0, 0, 0);
  }

  static Re2Regexp literal(int rune, int flags) {
    return new Re2Regexp(Op.LITERAL, flags, List.of(), new int[] {rune}, 0, 0, 0);
  }

  /** A literal string; one rune is a literal, none an empty match, as RE2 keeps them. */
  static Re2Regexp string(int[] runes, int flags) {
    if (runes.length == 0) {
      return leaf(Op.EMPTY_MATCH, flags);
    }
    if (runes.length == 1) {
      return literal(runes[0], flags);
    }
    return new Re2Regexp(Op.LITERAL_STRING, flags, List.of(), runes, 0, 0, 0);
  }

  static Re2Regexp charClass(int[] ranges, int flags) {
    return new Re2Regexp(Op.CHAR_CLASS, flags, List.of(), ranges, 0, 0, 0);
  }

  static Re2Regexp of(Op op, int flags, List<Re2Regexp> subs) {
    return new Re2Regexp(op, flags, List.copyOf(subs), NONE, 0, 0, 0);
  }

  static Re2Regexp unary(Op op, int flags, Re2Regexp sub) {
    return new Re2Regexp(op, flags, List.of(sub), NONE, 0, 0, 0);
  }

  static Re2Regexp repeat(Re2Regexp sub, int flags, int min, int max) {
    return new Re2Regexp(Op.REPEAT, flags, List.of(sub), NONE, min, max, 0);
  }

  static Re2Regexp capture(Re2Regexp sub, int flags, int cap) {
    return new Re2Regexp(Op.CAPTURE, flags, List.of(sub), NONE, 0, 0, cap);
  }

  /** RE2's Concat()/AlternateNoFactor(): one sub stands alone, none is empty (or no) match. */
  static Re2Regexp concatOrAlternate(Op op, int flags, List<Re2Regexp> subs) {
    if (subs.size() == 1) {
      return subs.get(0);
    }
    if (subs.isEmpty()) {
      return leaf(op == Op.ALTERNATE ? Op.NO_MATCH : Op.EMPTY_MATCH, flags);
    }
    return of(op, flags, subs);
  }

  Re2Regexp sub() {
    return subs.get(0);
  }

  int rune() {
    return runes[0];
  }

  boolean foldCase() {
    return (flags & Re2jParser.FOLD_CASE) != 0;
  }

  boolean nonGreedy() {
    return (flags & Re2jParser.NON_GREEDY) != 0;
  }

  boolean isRepetition() {
    return op == Op.STAR || op == Op.PLUS || op == Op.QUEST;
  }

  /** RE2's Regexp::Equal: structural equality with the flags each kind cares about. */
  static boolean equal(Re2Regexp a, Re2Regexp b) {
    if (a == null || b == null || a == b) {
      return a == b;
    }
    if (a.op != b.op || a.subs.size() != b.subs.size()) {
      return false;
    }
    boolean top =
        switch (a.op) {
          case END_TEXT -> ((a.flags ^ b.flags) & Re2jParser.WAS_DOLLAR) == 0;
          case LITERAL, LITERAL_STRING ->
              a.foldCase() == b.foldCase() && Arrays.equals(a.runes, b.runes);
          case STAR, PLUS, QUEST -> a.nonGreedy() == b.nonGreedy();
          case REPEAT -> a.nonGreedy() == b.nonGreedy() && a.min == b.min && a.max == b.max;
          case CAPTURE -> a.cap == b.cap;
          case CHAR_CLASS -> Arrays.equals(a.runes, b.runes);
          default -> true;
        };
    if (!top) {
      return false;
    }
    for (int i = 0; i < a.subs.size(); i++) {
      if (!equal(a.subs.get(i), b.subs.get(i))) {
        return false;
      }
    }
    return true;
  }
}

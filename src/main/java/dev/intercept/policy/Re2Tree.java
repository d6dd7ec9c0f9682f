package dev.intercept.policy;

import com.google.re2j.PatternSyntaxException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * An RE2 regex as RE2/J's own parser reads it, before any simplification (so nothing is expanded
 * and the tree is linear in the pattern). RE2/J keeps its parser package-private; it is reached
 * here by reflection, in this one place, because using the very parser the routers match with is
 * the faithful translation of RE2 syntax (classes, (?i), escapes, anchors, Unicode).
 */
final class Re2Tree {
  /** The parser flags {@code Pattern.compile(regex)} uses: RE2/J's PERL set. */
  private static final int PERL = 212;

  static final int FOLD_CASE = 1;

  /** RE2/J's node kinds (its Regexp.Op), by name. */
  enum Op {
    NO_MATCH,
    EMPTY_MATCH,
    LITERAL,
    CHAR_CLASS,
    ANY_CHAR_NOT_NL,
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

  /** One node: {@code runes} are a literal's runes or a class's [lo, hi] pairs. */
  record Node(Op op, int flags, List<Node> subs, int[] runes, int min, int max) {
    boolean foldCase() {
      return (flags & FOLD_CASE) != 0;
    }
  }

  private static final Method PARSE;
  private static final Method SIMPLE_FOLD;
  private static final Field OP;
  private static final Field FLAGS;
  private static final Field SUBS;
  private static final Field RUNES;
  private static final Field MIN;
  private static final Field MAX;

  static {
    try {
      Class<?> parser = Class.forName("com.google.re2j.Parser");
      Class<?> regexp = Class.forName("com.google.re2j.Regexp");
      PARSE = parser.getDeclaredMethod("parse", String.class, int.class);
      SIMPLE_FOLD =
          Class.forName("com.google.re2j.Unicode").getDeclaredMethod("simpleFold", int.class);
      OP = regexp.getDeclaredField("op");
      FLAGS = regexp.getDeclaredField("flags");
      SUBS = regexp.getDeclaredField("subs");
      RUNES = regexp.getDeclaredField("runes");
      MIN = regexp.getDeclaredField("min");
      MAX = regexp.getDeclaredField("max");
      for (var a : List.of(PARSE, SIMPLE_FOLD, OP, FLAGS, SUBS, RUNES, MIN, MAX)) {
        a.setAccessible(true);
      }
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError("RE2/J's parser is not where 1.8 has it: " + e);
    }
  }

  private Re2Tree() {}

  /** The parse tree; a syntax error is RE2/J's {@link PatternSyntaxException}. */
  static Node parse(String regex) {
    try {
      return node(PARSE.invoke(null, regex, PERL));
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof PatternSyntaxException p) {
        throw p;
      }
      throw new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next rune of {@code r}'s case-folding orbit (RE2's simple folding). */
  static int simpleFold(int r) {
    try {
      return (int) SIMPLE_FOLD.invoke(null, r);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Node node(Object re) throws IllegalAccessException {
    Op op = Op.valueOf(((Enum<?>) OP.get(re)).name());
    Object[] subs = (Object[]) SUBS.get(re);
    List<Node> children = new ArrayList<>();
    if (subs != null) {
      for (Object s : subs) {
        if (s != null) {
          children.add(node(s));
        }
      }
    }
    int[] runes = (int[]) RUNES.get(re);
    return new Node(
        op,
        FLAGS.getInt(re),
        List.copyOf(children),
        runes == null ? new int[0] : runes.clone(),
        MIN.getInt(re),
        MAX.getInt(re));
  }
}

package dev.intercept.policy;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * RE2/J's own parser, reached through reflection. Its parser is package-private, but it is the
 * parser the router compiles with, so syntax and errors are exactly the router's; unlike {@code
 * Pattern.compile} it does not simplify, so {@code x{1000}} stays one node instead of a thousand.
 * This is the only class that touches RE2/J's internals.
 */
final class Re2jParser {
  /**
   * RE2/J's Perl flags, as {@code Pattern.compile} parses with: ClassNL, OneLine, PerlX, groups.
   */
  private static final int PERL = 212;

  static final int FOLD_CASE = 1;
  static final int NON_GREEDY = 32;
  static final int WAS_DOLLAR = 256;

  /** One node of RE2/J's parse tree, copied out of its package-private Regexp. */
  record Node(
      String op, int flags, List<Node> subs, int[] runes, int min, int max, int cap, String name) {}

  /** The tree and how deeply it nests. */
  record Parsed(Node root, int depth) {}

  private static final Method PARSE;
  private static final Method SIMPLE_FOLD;
  private static final Field OP;
  private static final Field FLAGS;
  private static final Field SUBS;
  private static final Field RUNES;
  private static final Field MIN;
  private static final Field MAX;
  private static final Field CAP;
  private static final Field NAME;

  static {
    try {
      Class<?> parser = Class.forName("com.google.re2j.Parser");
      Class<?> regexp = Class.forName("com.google.re2j.Regexp");
      PARSE = accessible(parser.getDeclaredMethod("parse", String.class, int.class));
      SIMPLE_FOLD =
          accessible(
              Class.forName("com.google.re2j.Unicode").getDeclaredMethod("simpleFold", int.class));
      OP = accessible(regexp.getDeclaredField("op"));
      FLAGS = accessible(regexp.getDeclaredField("flags"));
      SUBS = accessible(regexp.getDeclaredField("subs"));
      RUNES = accessible(regexp.getDeclaredField("runes"));
      MIN = accessible(regexp.getDeclaredField("min"));
      MAX = accessible(regexp.getDeclaredField("max"));
      CAP = accessible(regexp.getDeclaredField("cap"));
      NAME = accessible(regexp.getDeclaredField("name"));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Re2jParser() {}

  /** Parses as the router does; syntax errors come out as RE2/J's own exception. */
  static Parsed parse(String regex) {
    Object root;
    try {
      root = PARSE.invoke(null, regex, PERL);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
    return copy(root);
  }

  /** The next rune in r's case-folding orbit (r itself when it has none). */
  static int simpleFold(int r) {
    try {
      return (int) SIMPLE_FOLD.invoke(null, r);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private record Frame(Object regexp, Object[] subs, List<Node> done) {
    static Frame of(Object regexp) {
      try {
        Object[] subs = (Object[]) SUBS.get(regexp);
        return new Frame(regexp, subs == null ? new Object[0] : subs, new ArrayList<>());
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Copies iteratively: a deeply nested pattern must not overflow the stack here. */
  private static Parsed copy(Object root) {
    List<Frame> stack = new ArrayList<>();
    stack.add(Frame.of(root));
    int depth = 1;
    while (true) {
      Frame top = stack.get(stack.size() - 1);
      if (top.done().size() < top.subs().length) {
        stack.add(Frame.of(top.subs()[top.done().size()]));
        depth = Math.max(depth, stack.size());
        continue;
      }
      stack.remove(stack.size() - 1);
      Node node = node(top.regexp(), List.copyOf(top.done()));
      if (stack.isEmpty()) {
        return new Parsed(node, depth);
      }
      stack.get(stack.size() - 1).done().add(node);
    }
  }

  private static Node node(Object regexp, List<Node> subs) {
    try {
      int[] runes = (int[]) RUNES.get(regexp);
      return new Node(
          OP.get(regexp).toString(),
          FLAGS.getInt(regexp),
          subs,
          runes == null ? new int[0] : runes.clone(),
          MIN.getInt(regexp),
          MAX.getInt(regexp),
          CAP.getInt(regexp),
          (String) NAME.get(regexp));
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T extends AccessibleObject> T accessible(T member) {
    member.setAccessible(true);
    return member;
  }
}

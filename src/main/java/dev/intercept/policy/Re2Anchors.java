package dev.intercept.policy;

import dev.intercept.policy.Re2Regexp.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * What RE2 strips before and while compiling: a required prefix ({@code ^literal}, matched apart
 * from the program, re2.cc/regexp.cc RequiredPrefix) and the leading ^ and trailing $ (compile.cc
 * IsAnchorStart/IsAnchorEnd, which look at most 4 levels down). Each returns the rewritten regexp,
 * or null when the pattern does not have that shape.
 */
final class Re2Anchors {
  private Re2Anchors() {}

  /** The regexp after ^ and a leading literal, which RE2 compiles (unanchored) instead. */
  static Re2Regexp afterRequiredPrefix(Re2Regexp re) {
    if (re.op() != Op.CONCAT) {
      return null;
    }
    List<Re2Regexp> subs = re.subs();
    int i = 0;
    while (i < subs.size() && subs.get(i).op() == Op.BEGIN_TEXT) {
      i++;
    }
    if (i == 0 || i >= subs.size()) {
      return null;
    }
    Op lead = subs.get(i).op();
    if (lead != Op.LITERAL && lead != Op.LITERAL_STRING) {
      return null;
    }
    List<Re2Regexp> rest = subs.subList(i + 1, subs.size());
    return rest.isEmpty()
        ? Re2Regexp.leaf(Op.EMPTY_MATCH, re.flags())
        : Re2Regexp.concatOrAlternate(Op.CONCAT, re.flags(), rest);
  }

  static Re2Regexp withoutStartAnchor(Re2Regexp re) {
    return strip(re, 0, true);
  }

  static Re2Regexp withoutEndAnchor(Re2Regexp re) {
    return strip(re, 0, false);
  }

  private static Re2Regexp strip(Re2Regexp re, int depth, boolean start) {
    if (depth >= 4) {
      return null;
    }
    switch (re.op()) {
      case CONCAT -> {
        if (re.subs().isEmpty()) {
          return null;
        }
        int at = start ? 0 : re.subs().size() - 1;
        Re2Regexp sub = strip(re.subs().get(at), depth + 1, start);
        if (sub == null) {
          return null;
        }
        List<Re2Regexp> subs = new ArrayList<>(re.subs());
        subs.set(at, sub);
        return Re2Regexp.concatOrAlternate(Op.CONCAT, re.flags(), subs);
      }
      case CAPTURE -> {
        Re2Regexp sub = strip(re.sub(), depth + 1, start);
        return sub == null ? null : Re2Regexp.capture(sub, re.flags(), re.cap());
      }
      case BEGIN_TEXT, END_TEXT -> {
        return (re.op() == Op.BEGIN_TEXT) == start
            ? Re2Regexp.leaf(Op.EMPTY_MATCH, re.flags())
            : null;
      }
      default -> {
        return null;
      }
    }
  }
}

package dev.intercept.policy;

import dev.intercept.policy.Re2Regexp.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * RE2's simplification before compiling (simplify.cc): adjacent repetitions of one thing coalesce
 * ({@code a+a*} to {@code a{1,}}), then counted repetitions become concatenations and nested
 * optionals. The copies are shared references, so {@code x{1000}} costs a list of a thousand
 * pointers here, never a thousand subtrees; the compiler, like RE2's, walks each copy.
 */
final class Re2Simplifier {
  private Re2Simplifier() {}

  static Re2Regexp simplify(Re2Regexp re) {
    return simplifyTree(coalesce(re));
  }

  private static Re2Regexp coalesce(Re2Regexp re) {
    if (re.subs().isEmpty()) {
      return re;
    }
    List<Re2Regexp> subs = new ArrayList<>();
    for (Re2Regexp sub : re.subs()) {
      subs.add(coalesce(sub));
    }
    if (re.op() != Op.CONCAT) {
      return withSubs(re, subs);
    }
    boolean any = false;
    for (int i = 0; i + 1 < subs.size(); i++) {
      if (canCoalesce(subs.get(i), subs.get(i + 1))) {
        any = true;
        coalescePair(subs, i);
      }
    }
    if (any) {
      subs.removeIf(s -> s.op() == Op.EMPTY_MATCH);
    }
    return Re2Regexp.of(Op.CONCAT, re.flags(), subs);
  }

  private static boolean canCoalesce(Re2Regexp r1, Re2Regexp r2) {
    if (!(r1.isRepetition() || r1.op() == Op.REPEAT)) {
      return false;
    }
    Re2Regexp x = r1.sub();
    if (x.op() != Op.LITERAL && x.op() != Op.CHAR_CLASS && x.op() != Op.ANY_CHAR) {
      return false;
    }
    if ((r2.isRepetition() || r2.op() == Op.REPEAT)
        && Re2Regexp.equal(x, r2.sub())
        && r1.nonGreedy() == r2.nonGreedy()) {
      return true;
    }
    if (Re2Regexp.equal(x, r2)) {
      return true;
    }
    return x.op() == Op.LITERAL
        && r2.op() == Op.LITERAL_STRING
        && r2.runes()[0] == x.rune()
        && x.foldCase() == r2.foldCase();
  }

  /** Folds subs[i] into subs[i+1] as one counted repetition, leaving an empty match (or a rest). */
  private static void coalescePair(List<Re2Regexp> subs, int i) {
    Re2Regexp r1 = subs.get(i);
    Re2Regexp r2 = subs.get(i + 1);
    int min;
    int max;
    switch (r1.op()) {
      case STAR -> {
        min = 0;
        max = -1;
      }
      case PLUS -> {
        min = 1;
        max = -1;
      }
      case QUEST -> {
        min = 0;
        max = 1;
      }
      default -> {
        min = r1.min();
        max = r1.max();
      }
    }
    Re2Regexp rest = null;
    switch (r2.op()) {
      case STAR -> max = -1;
      case PLUS -> {
        min++;
        max = -1;
      }
      case QUEST -> max = max == -1 ? -1 : max + 1;
      case REPEAT -> {
        min += r2.min();
        max = r2.max() == -1 || max == -1 ? -1 : max + r2.max();
      }
      case LITERAL_STRING -> {
        int n = 1;
        while (n < r2.runes().length && r2.runes()[n] == r1.sub().rune()) {
          n++;
        }
        min += n;
        max = max == -1 ? -1 : max + n;
        if (n < r2.runes().length) {
          rest = Re2Regexp.string(Arrays.copyOfRange(r2.runes(), n, r2.runes().length), r2.flags());
        }
      }
      default -> {
        min++;
        max = max == -1 ? -1 : max + 1;
      }
    }
    Re2Regexp merged = Re2Regexp.repeat(r1.sub(), r1.flags(), min, max);
    if (rest == null) {
      subs.set(i, Re2Regexp.leaf(Op.EMPTY_MATCH, 0));
      subs.set(i + 1, merged);
    } else {
      subs.set(i, merged);
      subs.set(i + 1, rest);
    }
  }

  private static Re2Regexp simplifyTree(Re2Regexp re) {
    switch (re.op()) {
      case CONCAT, ALTERNATE, CAPTURE -> {
        List<Re2Regexp> subs = new ArrayList<>();
        for (Re2Regexp sub : re.subs()) {
          subs.add(simplifyTree(sub));
        }
        return withSubs(re, subs);
      }
      case STAR, PLUS, QUEST -> {
        Re2Regexp sub = simplifyTree(re.sub());
        if (sub.op() == Op.EMPTY_MATCH) {
          return sub;
        }
        if (sub == re.sub()) {
          return re;
        }
        if (sub.op() == re.op() && sub.flags() == re.flags()) {
          return sub;
        }
        return Re2Regexp.unary(re.op(), re.flags(), sub);
      }
      case REPEAT -> {
        Re2Regexp sub = simplifyTree(re.sub());
        return sub.op() == Op.EMPTY_MATCH ? sub : expand(sub, re.min(), re.max(), re.flags());
      }
      case CHAR_CLASS -> {
        if (re.runes().length == 0) {
          return Re2Regexp.leaf(Op.NO_MATCH, re.flags());
        }
        if (RuneSet.size(re.runes()) == Re2Regexp.MAX_RUNE + 1) {
          return Re2Regexp.leaf(Op.ANY_CHAR, re.flags());
        }
        return re;
      }
      default -> {
        return re;
      }
    }
  }

  /** RE2's SimplifyRepeat: x{n,} is n-1 copies and x+; x{n,m} is n copies and nested (x(x)?)?. */
  private static Re2Regexp expand(Re2Regexp x, int min, int max, int f) {
    if (max == -1) {
      if (min == 0) {
        return starPlusOrQuest(Op.STAR, x, f);
      }
      if (min == 1) {
        return starPlusOrQuest(Op.PLUS, x, f);
      }
      List<Re2Regexp> subs = new ArrayList<>(Collections.nCopies(min - 1, x));
      subs.add(starPlusOrQuest(Op.PLUS, x, f));
      return Re2Regexp.of(Op.CONCAT, f, subs);
    }
    if (min == 0 && max == 0) {
      return Re2Regexp.leaf(Op.EMPTY_MATCH, f);
    }
    if (min == 1 && max == 1) {
      return x;
    }
    Re2Regexp prefix =
        min > 0 ? Re2Regexp.concatOrAlternate(Op.CONCAT, f, Collections.nCopies(min, x)) : null;
    if (max == min) {
      return prefix;
    }
    Re2Regexp suffix = starPlusOrQuest(Op.QUEST, x, f);
    for (int i = min + 1; i < max; i++) {
      suffix = starPlusOrQuest(Op.QUEST, Re2Regexp.of(Op.CONCAT, f, List.of(x, suffix)), f);
    }
    return prefix == null ? suffix : Re2Regexp.of(Op.CONCAT, f, List.of(prefix, suffix));
  }

  /** RE2's Regexp::Star/Plus/Quest, which squash a repetition of a repetition. */
  private static Re2Regexp starPlusOrQuest(Op op, Re2Regexp sub, int flags) {
    if (sub.op() == op && sub.flags() == flags) {
      return sub;
    }
    if (sub.isRepetition() && sub.flags() == flags) {
      return sub.op() == Op.STAR ? sub : Re2Regexp.unary(Op.STAR, flags, sub.sub());
    }
    return Re2Regexp.unary(op, flags, sub);
  }

  private static Re2Regexp withSubs(Re2Regexp re, List<Re2Regexp> subs) {
    boolean same = true;
    for (int i = 0; i < subs.size(); i++) {
      same &= subs.get(i) == re.subs().get(i);
    }
    return same
        ? re
        : new Re2Regexp(
            re.op(), re.flags(), List.copyOf(subs), re.runes(), re.min(), re.max(), re.cap());
  }
}

package dev.intercept.policy;

import dev.intercept.policy.Re2Regexp.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * RE2's factoring of an alternation (parse.cc, FactorAlternation), which shrinks the program: round
 * 1 pulls out common literal prefixes ({@code abc|abd} to {@code ab(?:c|d)}), round 2 common simple
 * first pieces, round 3 merges runs of literals and classes into one class. Each factored group of
 * suffixes is factored again, as RE2 does.
 */
final class AlternationFactoring {
  private AlternationFactoring() {}

  static List<Re2Regexp> factor(List<Re2Regexp> subs, int flags) {
    List<Re2Regexp> out = commonPrefixes(subs, flags);
    out = commonFirstPieces(out, flags);
    return mergeClasses(out, flags);
  }

  /** Round 1: runs that start with the same literal runes (same case folding). */
  private static List<Re2Regexp> commonPrefixes(List<Re2Regexp> subs, int flags) {
    List<Re2Regexp> out = new ArrayList<>();
    int start = 0;
    int[] prefix = null;
    int nprefix = 0;
    boolean prefixFold = false;
    for (int i = 0; i <= subs.size(); i++) {
      Re2Regexp lead = null;
      if (i < subs.size()) {
        lead = leadingString(subs.get(i));
        int[] runes = lead == null ? new int[0] : lead.runes();
        boolean fold = lead != null && lead.foldCase();
        if (fold == prefixFold) {
          int same = 0;
          while (same < nprefix && same < runes.length && prefix[same] == runes[same]) {
            same++;
          }
          if (same > 0) {
            nprefix = same;
            continue;
          }
        }
      }
      if (i - start >= 2) {
        List<Re2Regexp> suffixes = new ArrayList<>();
        for (int j = start; j < i; j++) {
          suffixes.add(removeLeadingString(subs.get(j), nprefix));
        }
        Re2Regexp common =
            Re2Regexp.string(Arrays.copyOf(prefix, nprefix), prefixFold ? Re2jParser.FOLD_CASE : 0);
        out.add(splice(common, suffixes, flags));
      } else if (i - start == 1) {
        out.add(subs.get(start));
      }
      if (i < subs.size()) {
        start = i;
        prefix = lead == null ? new int[0] : lead.runes();
        nprefix = prefix.length;
        prefixFold = lead != null && lead.foldCase();
      }
    }
    return out;
  }

  /** Round 2: runs whose first piece is the same empty-width op, class or fixed repeat of one. */
  private static List<Re2Regexp> commonFirstPieces(List<Re2Regexp> subs, int flags) {
    return runs(
        subs,
        AlternationFactoring::leadingRegexp,
        (first, next) -> first != null && factorable(first) && Re2Regexp.equal(first, next),
        (first, run) -> {
          List<Re2Regexp> suffixes = new ArrayList<>();
          for (Re2Regexp re : run) {
            suffixes.add(removeLeadingRegexp(re));
          }
          return splice(first, suffixes, flags);
        });
  }

  /** Round 3: runs of literals and classes become one class. */
  private static List<Re2Regexp> mergeClasses(List<Re2Regexp> subs, int flags) {
    return runs(
        subs,
        Function.identity(),
        (first, next) -> isLiteralOrClass(first) && isLiteralOrClass(next),
        (first, run) -> {
          RuneSet set = new RuneSet();
          for (Re2Regexp re : run) {
            if (re.op() == Op.CHAR_CLASS) {
              set.addRanges(re.runes());
            } else if (re.foldCase()) {
              set.addFoldedUnlessPresent(re.rune());
            } else {
              set.add(re.rune(), re.rune());
            }
          }
          return Re2Regexp.charClass(set.toRanges(), flags);
        });
  }

  private interface RunMerger {
    Re2Regexp merge(Re2Regexp first, List<Re2Regexp> run);
  }

  /**
   * Groups consecutive subs whose key continues the run's first key; merges runs of two or more.
   */
  private static List<Re2Regexp> runs(
      List<Re2Regexp> subs,
      Function<Re2Regexp, Re2Regexp> key,
      BiPredicate<Re2Regexp, Re2Regexp> continues,
      RunMerger merger) {
    List<Re2Regexp> out = new ArrayList<>();
    int start = 0;
    Re2Regexp first = null;
    for (int i = 0; i <= subs.size(); i++) {
      Re2Regexp firstI = null;
      if (i < subs.size()) {
        firstI = key.apply(subs.get(i));
        if (i > start && continues.test(first, firstI)) {
          continue;
        }
      }
      if (i - start >= 2) {
        out.add(merger.merge(first, subs.subList(start, i)));
      } else if (i - start == 1) {
        out.add(subs.get(start));
      }
      start = i;
      first = firstI;
    }
    return out;
  }

  /** prefix(?:suffix1|suffix2|...), the suffixes factored in turn. */
  private static Re2Regexp splice(Re2Regexp prefix, List<Re2Regexp> suffixes, int flags) {
    Re2Regexp alternation =
        Re2Regexp.concatOrAlternate(Op.ALTERNATE, flags, factor(suffixes, flags));
    return Re2Regexp.of(Op.CONCAT, flags, List.of(prefix, alternation));
  }

  private static boolean factorable(Re2Regexp first) {
    return switch (first.op()) {
      case BEGIN_LINE,
          END_LINE,
          WORD_BOUNDARY,
          NO_WORD_BOUNDARY,
          BEGIN_TEXT,
          END_TEXT,
          CHAR_CLASS,
          ANY_CHAR ->
          true;
      case REPEAT ->
          first.min() == first.max()
              && switch (first.sub().op()) {
                case LITERAL, CHAR_CLASS, ANY_CHAR -> true;
                default -> false;
              };
      default -> false;
    };
  }

  private static boolean isLiteralOrClass(Re2Regexp re) {
    return re != null && (re.op() == Op.LITERAL || re.op() == Op.CHAR_CLASS);
  }

  /** The literal or string a regexp starts with, looking through leading concatenations. */
  private static Re2Regexp leadingString(Re2Regexp re) {
    while (re.op() == Op.CONCAT && !re.subs().isEmpty()) {
      re = re.sub();
    }
    return re.op() == Op.LITERAL || re.op() == Op.LITERAL_STRING ? re : null;
  }

  private static Re2Regexp removeLeadingString(Re2Regexp re, int n) {
    if (re.op() == Op.CONCAT && !re.subs().isEmpty()) {
      Re2Regexp first = removeLeadingString(re.sub(), n);
      if (first.op() != Op.EMPTY_MATCH) {
        List<Re2Regexp> subs = new ArrayList<>(re.subs());
        subs.set(0, first);
        return Re2Regexp.of(Op.CONCAT, re.flags(), subs);
      }
      List<Re2Regexp> rest = re.subs().subList(1, re.subs().size());
      return rest.size() == 1 ? rest.get(0) : Re2Regexp.of(Op.CONCAT, re.flags(), rest);
    }
    if (re.op() == Op.LITERAL || re.op() == Op.LITERAL_STRING) {
      int[] runes = re.runes();
      return Re2Regexp.string(
          Arrays.copyOfRange(runes, Math.min(n, runes.length), runes.length), re.flags());
    }
    return re;
  }

  private static Re2Regexp leadingRegexp(Re2Regexp re) {
    if (re.op() == Op.EMPTY_MATCH) {
      return null;
    }
    if (re.op() == Op.CONCAT && re.subs().size() >= 2) {
      return re.sub().op() == Op.EMPTY_MATCH ? null : re.sub();
    }
    return re;
  }

  private static Re2Regexp removeLeadingRegexp(Re2Regexp re) {
    if (re.op() == Op.EMPTY_MATCH) {
      return re;
    }
    if (re.op() == Op.CONCAT && re.subs().size() >= 2) {
      if (re.sub().op() == Op.EMPTY_MATCH) {
        return re;
      }
      List<Re2Regexp> rest = re.subs().subList(1, re.subs().size());
      return rest.size() == 1 ? rest.get(0) : Re2Regexp.of(Op.CONCAT, re.flags(), rest);
    }
    return Re2Regexp.leaf(Op.EMPTY_MATCH, re.flags());
  }
}

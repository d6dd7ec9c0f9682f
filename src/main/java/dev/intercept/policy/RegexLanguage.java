package dev.intercept.policy;

import dev.intercept.policy.Re2Tree.Node;
import dev.intercept.policy.Re2Tree.Op;
import dk.brics.automaton.Automaton;
import dk.brics.automaton.BasicAutomata;
import dk.brics.automaton.BasicOperations;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The set of header values an RE2 regex fully matches, as a finite automaton over Java chars
 * (UTF-16: an astral rune is its surrogate pair). Exact for everything but anchors and word
 * boundaries inside the pattern ({@code a^b}, {@code \b}, {@code (?m)^}): those are taken as
 * matching the empty string, which can only add values, so the language is a superset of the true
 * one and a disjointness decided on it is still true. {@code exact} says which it is.
 */
record RegexLanguage(Automaton automaton, boolean exact, String inexactBecause) {
  private static final int MAX_RUNE = 0x10FFFF;

  /**
   * Built within {@code bounds} (throws {@link Bounded.TooComplex} past them): deterministic,
   * minimal, and never a dk.brics "singleton", so sharing it between threads mutates nothing.
   */
  static RegexLanguage of(String regex, Bounded bounds) {
    Translation t = new Translation();
    Automaton a = bounds.determinize(t.full(Re2Tree.parse(regex)));
    a.minimize();
    a.expandSingleton();
    return new RegexLanguage(a, t.why.isEmpty(), String.join(", ", t.why));
  }

  /** A translation in progress: remembers what made it inexact. */
  private static final class Translation {
    final Set<String> why = new LinkedHashSet<>();

    /** The whole pattern: leading ^ and trailing $ are exact under full-match semantics. */
    Automaton full(Node n) {
      return switch (n.op()) {
        case CONCAT -> {
          List<Node> parts = new ArrayList<>(n.subs());
          if (!parts.isEmpty() && parts.get(0).op() == Op.BEGIN_TEXT) {
            parts.remove(0);
          }
          if (!parts.isEmpty() && parts.get(parts.size() - 1).op() == Op.END_TEXT) {
            parts.remove(parts.size() - 1);
          }
          yield concat(parts);
        }
        case ALTERNATE -> BasicOperations.union(n.subs().stream().map(this::full).toList());
        case CAPTURE -> full(n.subs().get(0));
        case BEGIN_TEXT, END_TEXT -> BasicAutomata.makeEmptyString();
        default -> translate(n);
      };
    }

    Automaton concat(List<Node> parts) {
      List<Automaton> as = new ArrayList<>();
      for (Node p : parts) {
        as.add(translate(p));
      }
      return as.isEmpty() ? BasicAutomata.makeEmptyString() : BasicOperations.concatenate(as);
    }

    Automaton translate(Node n) {
      return switch (n.op()) {
        case NO_MATCH -> BasicAutomata.makeEmpty();
        case EMPTY_MATCH -> BasicAutomata.makeEmptyString();
        case LITERAL -> literal(n);
        case CHAR_CLASS -> runeRanges(n.runes());
        case ANY_CHAR_NOT_NL -> runeRanges(new int[] {0, '\n' - 1, '\n' + 1, MAX_RUNE});
        case ANY_CHAR -> runeRanges(new int[] {0, MAX_RUNE});
        case BEGIN_LINE, END_LINE, BEGIN_TEXT, END_TEXT -> approximated("an anchor inside");
        case WORD_BOUNDARY, NO_WORD_BOUNDARY -> approximated("a word boundary (\\b, \\B)");
        case CAPTURE -> translate(n.subs().get(0));
        case STAR -> translate(n.subs().get(0)).repeat();
        case PLUS -> translate(n.subs().get(0)).repeat(1);
        case QUEST -> translate(n.subs().get(0)).optional();
        case REPEAT -> {
          Automaton sub = translate(n.subs().get(0));
          yield n.max() < 0 ? sub.repeat(n.min()) : sub.repeat(n.min(), n.max());
        }
        case CONCAT -> concat(n.subs());
        case ALTERNATE -> BasicOperations.union(n.subs().stream().map(this::translate).toList());
      };
    }

    Automaton approximated(String what) {
      why.add(what);
      return BasicAutomata.makeEmptyString();
    }

    Automaton literal(Node n) {
      List<Automaton> runes = new ArrayList<>();
      for (int r : n.runes()) {
        runes.add(n.foldCase() ? orbit(r) : rune(r));
      }
      return runes.isEmpty() ? BasicAutomata.makeEmptyString() : BasicOperations.concatenate(runes);
    }

    /** A rune and every rune it case-folds to (RE2's simple folding orbit). */
    static Automaton orbit(int r) {
      List<Automaton> all = new ArrayList<>();
      int f = r;
      do {
        all.add(rune(f));
        f = Re2Tree.simpleFold(f);
      } while (f != r);
      return BasicOperations.union(all);
    }

    static Automaton rune(int r) {
      return BasicAutomata.makeString(new String(Character.toChars(r)));
    }
  }

  /** Runes in [lo, hi] pairs, as UTF-16: single chars for the BMP, surrogate pairs above it. */
  static Automaton runeRanges(int[] pairs) {
    List<Automaton> parts = new ArrayList<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      int lo = pairs[i];
      int hi = Math.min(pairs[i + 1], MAX_RUNE);
      if (lo <= 0xFFFF) {
        parts.add(BasicAutomata.makeCharRange((char) lo, (char) Math.min(hi, 0xFFFF)));
      }
      if (hi > 0xFFFF) {
        parts.add(astral(Math.max(lo, 0x10000), hi));
      }
    }
    return parts.isEmpty() ? BasicAutomata.makeEmpty() : BasicOperations.union(parts);
  }

  /** Runes lo..hi (all above the BMP) as surrogate pairs. */
  private static Automaton astral(int lo, int hi) {
    char hiLo = Character.highSurrogate(lo);
    char hiHi = Character.highSurrogate(hi);
    char loLo = Character.lowSurrogate(lo);
    char loHi = Character.lowSurrogate(hi);
    if (hiLo == hiHi) {
      return pair(hiLo, hiLo, loLo, loHi);
    }
    List<Automaton> parts = new ArrayList<>();
    parts.add(pair(hiLo, hiLo, loLo, '\uDFFF'));
    if (hiHi - hiLo > 1) {
      parts.add(pair((char) (hiLo + 1), (char) (hiHi - 1), '\uDC00', '\uDFFF'));
    }
    parts.add(pair(hiHi, hiHi, '\uDC00', loHi));
    return BasicOperations.union(parts);
  }

  private static Automaton pair(char h1, char h2, char l1, char l2) {
    return BasicAutomata.makeCharRange(h1, h2).concatenate(BasicAutomata.makeCharRange(l1, l2));
  }
}

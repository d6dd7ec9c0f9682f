package dev.intercept.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The translation of RE2 syntax into automata agrees with RE2/J, the matcher the routers use, on
 * generated strings: exactly where the language is exact, as a superset where it is not.
 */
class RegexLanguageTest {
  static final List<String> PATTERNS =
      List.of(
          ".*ark3.*",
          "/api/v[0-9]+/.*",
          "[a-c]at",
          "(?i)abc",
          "(?i)straße",
          "(?i)k",
          "[^/]+",
          "\\d{2,4}-\\w+",
          "\\s*x\\s*",
          "(foo|bar|ba[rz])+",
          "a{3}",
          "a{2,}",
          "a{0,2}b",
          "^/x$",
          "^(?:GET|POST)$",
          "\\p{Greek}+",
          "[\\p{Lu}][\\p{Ll}]*",
          "(?s).",
          ".",
          "[^a]",
          "\\Q.*+\\E",
          "x*?y",
          "[[:alpha:]]+[[:digit:]]",
          "\\x{1F600}|\\x{10000}-",
          "[\\x{10000}-\\x{10FFFF}]",
          "(?i)[a-f]{2}",
          "",
          "a|",
          "(a)(b)?",
          // inexact: anchors and word boundaries inside
          "a^b",
          "x\\by",
          "(?m)a$\\nb",
          "(^a)|b");

  static final String ALPHABET =
      "aAbBcCxXyYzZkK0129/-._ \n\tßSsſ\u212Aαβγ΄ΣσςÄä\uD83D\uDE00\uD800\uDC00";

  static List<String> strings(String pattern, Random rnd) {
    List<String> out = new ArrayList<>(List.of("", "a", "abc", "ABC", "/x", "GET", "straSSe"));
    String alphabet = ALPHABET + pattern.replaceAll("[\\\\{}]", "");
    int[] cps = alphabet.codePoints().toArray();
    for (int i = 0; i < 400; i++) {
      StringBuilder b = new StringBuilder();
      int n = rnd.nextInt(7);
      for (int j = 0; j < n; j++) {
        b.appendCodePoint(cps[rnd.nextInt(cps.length)]);
      }
      out.add(b.toString());
    }
    return out;
  }

  @Test
  void theTranslationAgreesWithRe2jOnGeneratedStrings() {
    Random rnd = new Random(11);
    int checked = 0;
    for (String p : PATTERNS) {
      RegexLanguage l = lang(p);
      Pattern re2j = Pattern.compile(p);
      List<String> candidates = strings(p, rnd);
      // and values the automaton itself proposes: its shortest, and mutations of it
      String shortest = l.automaton().isEmpty() ? "" : l.automaton().getShortestExample(true);
      candidates.add(shortest);
      candidates.add(shortest + "a");
      for (String s : candidates) {
        boolean truth = re2j.matches(s);
        boolean model = l.automaton().run(s);
        if (l.exact()) {
          assertEquals(truth, model, "'" + p + "' on '" + s + "'");
        } else {
          assertTrue(!truth || model, "'" + p + "' must accept what RE2/J matches: '" + s + "'");
        }
        checked++;
      }
    }
    assertTrue(checked > 10_000, checked + " strings");
  }

  @Test
  void anchorsAtTheEndsAreExactAndInsideTheyAreSaid() {
    assertTrue(lang("^/x$").exact());
    assertTrue(lang("^a|^b$").exact());
    RegexLanguage inside = lang("x\\by");
    assertFalse(inside.exact());
    assertTrue(inside.inexactBecause().contains("word boundary"), inside.inexactBecause());
  }

  static RegexLanguage lang(String regex) {
    return RegexLanguage.of(regex, Bounded.within(100_000, 60_000));
  }
}

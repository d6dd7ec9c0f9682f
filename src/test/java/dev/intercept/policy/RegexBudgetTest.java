package dev.intercept.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.protocol.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RegexBudget against real RE2 (see Re2Oracle): exact on ordinary ASCII patterns, never below RE2
 * on any pattern RE2 accepts, refusing every repetition RE2 refuses, and fast on hostile patterns.
 */
class RegexBudgetTest {
  private static final Map<String, List<String>> CORPUS = corpus();

  /** Every pattern RE2 accepts and we size, by corpus section. */
  private static final Map<String, List<Compared>> COMPARED = new LinkedHashMap<>();

  private record Compared(String regex, int ours, int re2) {}

  /** Our answer: the size, or -1 when refused, with the refusal and the time taken. */
  private record Ours(int size, String refusal, long nanos) {}

  @BeforeAll
  static void buildOracle() throws Exception {
    Re2Oracle.build();
  }

  @AfterAll
  static void summary() {
    List<Compared> all = new ArrayList<>();
    COMPARED.forEach(
        (section, compared) -> {
          summarize(section, compared);
          all.addAll(compared);
        });
    summarize("all", all);
    all.stream()
        .sorted((a, b) -> Integer.compare(b.ours() - b.re2(), a.ours() - a.re2()))
        .limit(5)
        .forEach(
            c ->
                System.out.printf(
                    "  largest overestimates: %d for %d: %s%n",
                    c.ours(), c.re2(), abbreviate(c.regex())));
  }

  private static void summarize(String section, List<Compared> compared) {
    long equal = compared.stream().filter(c -> c.ours() == c.re2()).count();
    double mean = compared.stream().mapToInt(c -> c.ours() - c.re2()).average().orElse(0);
    int max = compared.stream().mapToInt(c -> c.ours() - c.re2()).max().orElse(0);
    double meanRatio =
        compared.stream().mapToDouble(c -> (double) c.ours() / c.re2()).average().orElse(1);
    System.out.printf(
        "RegexBudget vs RE2, %s: %d patterns RE2 accepts, %d sized equal, overestimate mean %.2f"
            + " (ratio %.3f), max %d%n",
        section, compared.size(), equal, mean, meanRatio, max);
  }

  private static String abbreviate(String regex) {
    return regex.length() <= 80 ? regex : regex.substring(0, 80) + "...";
  }

  @Test
  void theSizesEnvoyCountsForKnownPatterns() {
    Map<String, Integer> known = new LinkedHashMap<>();
    known.put(".*ark3.*", 24);
    known.put("a", 5);
    known.put("abc", 7);
    known.put("/foo.*", 16);
    known.put("[a-z]+", 6);
    known.put("(?i)abc", 7);
    known.put(".*", 12);
    known.put("(a+)+$", 9);
    known.put("[^a]", 12);
    known.put("a{10}", 14);
    known.put("(a{10}){10}", 124);
    known.put("foo|bar|baz", 11);
    known.put("^/api/v1/.*$", 12);
    known.forEach((regex, size) -> assertEquals(size, RegexBudget.programSize(regex, 1000), regex));
    assertTrue(RegexBudget.programSize("\\p{Greek}+", 1000) >= 67);
  }

  @Test
  void overTheLimitIsRefusedNamingSizeAndLimit() {
    assertEquals(24, RegexBudget.programSize(".*ark3.*", RegexBudget.ENVOY_MAX_PROGRAM_SIZE));
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () -> RegexBudget.programSize("(a{10}){10}", RegexBudget.ENVOY_MAX_PROGRAM_SIZE));
    assertEquals(
        "regex '(a{10}){10}' has an RE2 program of 124 instructions, over the limit of 100"
            + " (max-regex-program-size, Envoy's re2.max_program_size); simplify it",
        e.getMessage());
    assertEquals(124, RegexBudget.programSize("(a{10}){10}", 124));
  }

  @Test
  void repetitionsRe2RefusesAreRefusedInItsWords() {
    for (String regex :
        List.of("((a{100}){100}){100}", "a{1001}", "(a{2}){501}", "(?:a{0,1001})")) {
      InvalidInputException e =
          assertThrows(InvalidInputException.class, () -> RegexBudget.programSize(regex, 1000));
      assertTrue(e.getMessage().contains("invalid repetition size: {"), e.getMessage());
    }
    for (String regex : List.of("a**", "a{2}{2}", "a+*")) {
      InvalidInputException e =
          assertThrows(InvalidInputException.class, () -> RegexBudget.programSize(regex, 1000));
      assertTrue(e.getMessage().contains("bad repetition operator: "), e.getMessage());
    }
  }

  @Test
  void ordinaryPatternsSizeExactlyAsRe2() throws Exception {
    List<String> wrong = new ArrayList<>();
    compare(
        "ordinary",
        CORPUS.get("ordinary"),
        (regex, re2, ours) -> {
          if (re2.accepted() && ours.size() != re2.size()) {
            wrong.add(regex + " -> " + ours.size() + " " + ours.refusal() + ", RE2 " + re2.size());
          }
        });
    assertEquals(List.of(), wrong, "ordinary patterns must size exactly as RE2");
  }

  @Test
  void unicodePatternsNeverSizeBelowRe2() throws Exception {
    assertNeverBelow("unicode", CORPUS.get("unicode"));
  }

  @Test
  void hostilePatternsAreRefusedOrSizedWellUnderASecond() throws Exception {
    List<String> hostile = new ArrayList<>(CORPUS.get("hostile"));
    hostile.add("(".repeat(500) + "a" + ")".repeat(500));
    hostile.add("(?:".repeat(300) + "a*" + ")*".repeat(300));
    hostile.add(String.join("|", words(200)));
    hostile.add("(" + String.join("|", words(100)) + "){10}");
    hostile.add("a".repeat(1000));
    hostile.add("(a?){1000}");
    hostile.add("(?:\\p{L}|\\p{N}){1000}");
    hostile.add("((?:\\p{L}{1000})|(?:\\p{N}{1000})){1}");
    long[] slowest = {0};
    assertNeverBelow("hostile", hostile, ours -> slowest[0] = Math.max(slowest[0], ours.nanos()));
    System.out.printf("hostile patterns: slowest check %.1f ms%n", slowest[0] / 1e6);
    assertTrue(slowest[0] < 1_000_000_000L, "a check took " + slowest[0] / 1e6 + " ms");
  }

  @Test
  void generatedPatternsNeverSizeBelowRe2() throws Exception {
    List<String> ascii = new ArrayList<>();
    RegexGenerator plain = new RegexGenerator(20260601L, false);
    for (int i = 0; i < 400; i++) {
      ascii.add(plain.next());
    }
    RegexGenerator dense = RegexGenerator.alternations(11L);
    for (int i = 0; i < 400; i++) {
      ascii.add(dense.next());
    }
    assertNeverBelow("generated ascii", ascii);
    List<String> unicode = new ArrayList<>();
    RegexGenerator wide = new RegexGenerator(140L, true);
    for (int i = 0; i < 200; i++) {
      unicode.add(wide.next());
    }
    assertNeverBelow("generated unicode", unicode);
  }

  private interface Check {
    void check(String regex, Re2Oracle.Answer re2, Ours ours);
  }

  private static void assertNeverBelow(String section, List<String> patterns) throws Exception {
    assertNeverBelow(section, patterns, ours -> {});
  }

  private static void assertNeverBelow(String section, List<String> patterns, Consumer<Ours> each)
      throws Exception {
    List<String> wrong = new ArrayList<>();
    compare(
        section,
        patterns,
        (regex, re2, ours) -> {
          each.accept(ours);
          if (re2.accepted() && ours.size() >= 0 && ours.size() < re2.size()) {
            wrong.add(regex + " -> " + ours.size() + ", RE2 " + re2.size());
          }
        });
    assertEquals(List.of(), wrong, "never below RE2's size");
  }

  /** Runs both, checks what every comparison must hold, then the caller's check. */
  private static void compare(String section, List<String> patterns, Check check) throws Exception {
    List<Re2Oracle.Answer> answers = Re2Oracle.ask(patterns);
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < patterns.size(); i++) {
      String regex = patterns.get(i);
      Re2Oracle.Answer re2 = answers.get(i);
      Ours ours = ours(regex);
      if (re2.refusedRepetition() && ours.size() >= 0) {
        wrong.add(regex + ": RE2 refuses (" + re2.error() + "), sized " + ours.size());
      }
      if (re2.accepted() && ours.size() >= 0) {
        synchronized (COMPARED) {
          COMPARED
              .computeIfAbsent(section, k -> new ArrayList<>())
              .add(new Compared(regex, ours.size(), re2.size()));
        }
      }
      check.check(regex, re2, ours);
    }
    assertEquals(List.of(), wrong, "repetitions RE2 refuses must be refused");
  }

  private static Ours ours(String regex) {
    long start = System.nanoTime();
    try {
      int size = RegexBudget.programSize(regex, RegexBudget.NO_LIMIT);
      return new Ours(size, "", System.nanoTime() - start);
    } catch (InvalidInputException e) {
      return new Ours(-1, e.getMessage(), System.nanoTime() - start);
    }
  }

  private static List<String> words(int n) {
    List<String> words = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      words.add(Integer.toString(i * 7919 + 1000, 36));
    }
    return words;
  }

  private static Map<String, List<String>> corpus() {
    Map<String, List<String>> sections = new LinkedHashMap<>();
    try (InputStream in = RegexBudgetTest.class.getResourceAsStream("/policy/regex-corpus.txt")) {
      List<String> current = null;
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
        if (line.startsWith("## ")) {
          current = sections.computeIfAbsent(line.substring(3), k -> new ArrayList<>());
        } else if (current != null && !line.isEmpty() && !line.startsWith("# ")) {
          current.add(line);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return sections;
  }
}

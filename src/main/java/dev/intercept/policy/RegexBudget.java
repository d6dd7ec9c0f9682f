package dev.intercept.policy;

import com.google.re2j.PatternSyntaxException;
import dev.intercept.protocol.InvalidInputException;

/**
 * Whether Envoy would accept a regex, decided before anything compiles it. Envoy compiles every
 * {@code safe_regex} with RE2 C++ and refuses one whose program is larger than {@code
 * re2.max_program_size} (100 unless configured); RE2 itself refuses counted repetitions that
 * multiply past 1000. The router's RE2/J has neither limit, and its own compiled program is not
 * RE2's, so this computes RE2's {@code ProgramSize()} the way RE2 does: RE2/J's parse tree
 * rewritten into RE2's, simplified, compiled and flattened, with repeated parts shared rather than
 * copied. Without Unicode groups or case folding beyond ASCII the number is RE2's exactly (checked
 * against real RE2 by RegexBudgetTest). With them it depends on Unicode tables, which differ
 * between versions (RE2/J's, the JDK's, Debian's RE2, Envoy's RE2), so the size computed with the
 * JDK's tables is raised by half: it may refuse a borderline pattern, never accept one that Envoy
 * refuses.
 */
public final class RegexBudget {
  /** Envoy's default {@code re2.max_program_size}. */
  public static final int ENVOY_MAX_PROGRAM_SIZE = 100;

  /** No size limit: only what RE2 itself refuses. */
  public static final int NO_LIMIT = Integer.MAX_VALUE;

  /**
   * RE2's instruction budget: its forward program gets 2/3 of the default 8 MiB max_mem, at 8 bytes
   * an instruction (less a few hundred bytes of Prog header, which is ignored here).
   */
  static final int RE2_MAX_INSTRUCTIONS = (8 << 20) * 2 / 3 / 8;

  /** Deeper nesting is refused before any recursive walk could run out of stack. */
  static final int MAX_NESTING = 1000;

  private RegexBudget() {}

  /**
   * Returns the size of RE2's program for regex, or refuses it: a syntax error, a repetition RE2
   * refuses, a program past RE2's own budget, or one larger than maxProgramSize.
   */
  public static int programSize(String regex, int maxProgramSize) {
    if (regex == null) {
      throw new InvalidInputException("regex is missing");
    }
    Re2jParser.Parsed parsed;
    try {
      parsed = Re2jParser.parse(regex);
    } catch (PatternSyntaxException e) {
      // the two repetition errors RE2/J shares with RE2, in RE2's words
      if (e.getDescription().equals("invalid repeat count")) {
        throw refusedRepetition(regex, e.getPattern());
      }
      if (e.getDescription().equals("invalid nested repetition operator")) {
        throw new InvalidInputException(
            "regex '"
                + abbreviate(regex)
                + "' is refused by RE2: bad repetition operator: "
                + e.getPattern());
      }
      String why = e.getDescription();
      throw new InvalidInputException(
          "invalid RE2 regex '"
              + regex
              + "': "
              + why
              + (why.contains("invalid or unsupported Perl syntax") || why.contains("escape")
                  ? " (RE2 has no backreferences or lookaround)"
                  : ""));
    }
    if (parsed.depth() > MAX_NESTING) {
      throw new InvalidInputException(
          "regex '" + abbreviate(regex) + "' nests deeper than " + MAX_NESTING + " levels");
    }
    RepetitionRule.firstRefused(parsed.root())
        .ifPresent(
            op -> {
              throw refusedRepetition(regex, op);
            });
    SizingPattern sizing = SizingPattern.of(regex);
    Re2jParser.Node tree = Re2jParser.parse(sizing.pattern()).root();
    Re2ProgramSize.Measure measure =
        Re2ProgramSize.of(Re2Dialect.convert(tree, sizing), maxProgramSize, RE2_MAX_INSTRUCTIONS);
    if (measure.tooLarge()) {
      throw new InvalidInputException(
          "regex '"
              + abbreviate(regex)
              + "' is refused by RE2: pattern too large - compile failed (over RE2's "
              + RE2_MAX_INSTRUCTIONS
              + " instructions)");
    }
    long size = measure.size();
    if (measure.exact() && (sizing.hasUnicodeGroups() || Re2Dialect.foldsNonAscii(tree))) {
      // Unicode tables differ between versions (the JDK's 13, Debian's RE2 14, Envoy's 15.1):
      // measured, a group's program grew by up to a third; half again keeps this on the safe side
      size += (size + 1) / 2;
    }
    if (size > maxProgramSize) {
      throw new InvalidInputException(
          "regex '"
              + abbreviate(regex)
              + "' has an RE2 program of "
              + (measure.exact() ? "" : "at least ")
              + size
              + " instructions, over the limit of "
              + maxProgramSize
              + " (max-regex-program-size, Envoy's re2.max_program_size); simplify it");
    }
    return (int) size;
  }

  private static InvalidInputException refusedRepetition(String regex, String operator) {
    return new InvalidInputException(
        "regex '"
            + abbreviate(regex)
            + "' is refused by RE2: invalid repetition size: "
            + operator
            + " (counts above 1000, or nested counts that multiply past 1000)");
  }

  private static String abbreviate(String regex) {
    return regex.length() <= 100 ? regex : regex.substring(0, 100) + "...";
  }
}

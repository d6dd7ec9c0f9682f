package dev.intercept.policy;

/**
 * RE2::Init's path from a parsed regexp to its program size: drop a required ^literal prefix,
 * simplify, strip the outer anchors, compile, flatten. Bounds computed first refuse a program that
 * cannot fit without compiling it.
 */
final class Re2ProgramSize {

  /** The outcome: an exact size, a lower bound already past the limit, or past RE2's budget. */
  record Measure(long size, boolean exact, boolean tooLarge) {}

  /** Programs up to this many instructions (before flattening) take a few ms to compile. */
  private static final int EXACT_UP_TO = 50_000;

  private Re2ProgramSize() {}

  static Measure of(Re2Regexp parsed, int maxProgramSize, int maxInstructions) {
    Re2Regexp suffix = Re2Anchors.afterRequiredPrefix(parsed);
    Re2Regexp re = Re2Simplifier.simplify(suffix != null ? suffix : parsed);
    Re2Regexp unanchored = Re2Anchors.withoutStartAnchor(re);
    if (unanchored != null) {
      re = unanchored;
    }
    Re2Regexp unanchoredEnd = Re2Anchors.withoutEndAnchor(re);
    if (unanchoredEnd != null) {
      re = unanchoredEnd;
    }
    long[] bounds = ProgramBounds.of(re);
    if (bounds[0] > maxInstructions) {
      return new Measure(bounds[0], false, true);
    }
    // a small program is compiled anyway, so that the refusal names its exact size
    if (bounds[1] > maxProgramSize && bounds[0] > EXACT_UP_TO) {
      return new Measure(bounds[1], false, false);
    }
    Re2Program program = Re2Compiler.compile(re, unanchored != null, maxInstructions);
    if (program == null) {
      return new Measure(maxInstructions + 1L, false, true);
    }
    return new Measure(ProgramFlattener.size(program), true, false);
  }
}

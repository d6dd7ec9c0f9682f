package dev.intercept.sidecar;

import com.google.re2j.Pattern;
import java.util.function.Predicate;

/**
 * The full match of the regexes intercepts mostly use, {@code .*LITERAL.*}, {@code LITERAL.*},
 * {@code .*LITERAL} and {@code LITERAL}, as string operations: what RE2's full match decides (its
 * {@code .} stops at a newline), at a fraction of an automaton's cost per request. Anything else
 * keeps RE2/J.
 */
final class LiteralMatch {
  private LiteralMatch() {}

  static Predicate<String> of(String regex, Pattern compiled) {
    boolean anyBefore = regex.startsWith(".*");
    String rest = anyBefore ? regex.substring(2) : regex;
    boolean anyAfter = rest.endsWith(".*") && !rest.endsWith("\\.*");
    String literal = anyAfter ? rest.substring(0, rest.length() - 2) : rest;
    if (!plain(literal)) {
      return compiled::matches;
    }
    if (anyBefore && anyAfter) {
      return v -> v.contains(literal) && v.indexOf('\n') < 0;
    }
    if (anyBefore) {
      return v -> v.endsWith(literal) && v.indexOf('\n') < 0;
    }
    if (anyAfter) {
      return v -> v.startsWith(literal) && v.indexOf('\n') < 0;
    }
    return literal::equals;
  }

  /** Characters that mean themselves in RE2 syntax, and only those. */
  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "/_-:=,;@!~%&#'\" <>".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}

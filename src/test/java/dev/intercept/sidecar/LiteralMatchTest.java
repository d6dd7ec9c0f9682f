package dev.intercept.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.re2j.Pattern;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The string fast path decides every full match exactly as RE2/J does. */
class LiteralMatchTest {
  private static final List<String> REGEXES =
      List.of(
          ".*ark3.*",
          "/ark3.*",
          ".*ark3",
          "/ark3",
          "me",
          ".*a-b_c:d.*",
          ".*",
          "",
          ".*a.c.*",
          "/v1\\.*",
          ".*(ark3).*",
          "[a]rk3.*",
          ".*ark3.*.*",
          ".*ark3$",
          "(?i)ark3",
          ".*ARK3.*");
  private static final List<String> VALUES =
      List.of(
          "/ark3",
          "/foo/ark3/bar",
          "/foo/bar",
          "ark3",
          "/ark3?q=1",
          "x\nark3",
          "ark3\n",
          "/ark",
          "",
          "me",
          "mE",
          "a-b_c:d",
          "zz a-b_c:d zz",
          "/v1...",
          "/v1",
          "abc",
          "aXc",
          "ARK3",
          "\u00e9ark3\u00ff");

  @Test
  void agreesWithRe2OnEveryPairIncludingNewlines() {
    for (String regex : REGEXES) {
      Pattern p = Pattern.compile(regex);
      var fast = LiteralMatch.of(regex, p);
      for (String v : VALUES) {
        assertEquals(p.matches(v), fast.test(v), "regex '" + regex + "' on '" + v + "'");
      }
    }
  }
}

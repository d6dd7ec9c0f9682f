package dev.intercept.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class MatcherTest {

  @Test
  void headerNamesAreLowerCasedAndPseudoHeadersKnown() {
    assertEquals("x-dev", Matcher.of("X-Dev", "bob").header());
    assertEquals(":path", Matcher.of(":PATH", ".*").header());
    for (String p : new String[] {":path", ":method", ":authority", ":scheme"}) {
      assertEquals(p, Matcher.of(p, ".*").header());
    }
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> Matcher.of(":status", ".*"));
    assertTrue(e.getMessage().contains("unknown pseudo-header"), e.getMessage());
  }

  @Test
  void headerNamesMustBeTokens() {
    for (String bad : new String[] {"", "x dev", "x:dev", "x\ndev", "é", "a(b)"}) {
      assertThrows(InvalidInputException.class, () -> Matcher.of(bad, ".*"), bad);
    }
    Matcher.of("x-b3-traceid", ".*");
    Matcher.of("a!#$%&'*+.^_`|~z", ".*");
  }

  @Test
  void regexesRe2RefusesAreRefusedWithTheReason() {
    InvalidInputException backref =
        assertThrows(InvalidInputException.class, () -> Matcher.of(":path", "(a)\\1"));
    assertTrue(backref.getMessage().contains("invalid RE2 regex"), backref.getMessage());
    assertTrue(backref.getMessage().contains("escape"), backref.getMessage());
    InvalidInputException look =
        assertThrows(InvalidInputException.class, () -> Matcher.of(":path", "(?=a)b"));
    assertTrue(
        look.getMessage().contains("RE2 has no backreferences or lookaround"), look.getMessage());
    InvalidInputException unbalanced =
        assertThrows(InvalidInputException.class, () -> Matcher.of(":path", "(ark3"));
    assertTrue(unbalanced.getMessage().contains("missing closing )"), unbalanced.getMessage());
    assertThrows(InvalidInputException.class, () -> Matcher.of(":path", "a".repeat(1025)));
  }

  @Test
  void nestedRepetitionIsRefusedFastInRe2sWords() {
    long start = System.nanoTime();
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class, () -> Matcher.of(":path", "((a{100}){100}){100}"));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(e.getMessage().contains("invalid repetition size: {100}"), e.getMessage());
    assertTrue(millis < 1000, "took " + millis + " ms");
    InvalidInputException single =
        assertThrows(InvalidInputException.class, () -> Matcher.of(":path", "a{1001}"));
    assertTrue(
        single.getMessage().contains("invalid repetition size: {1001}"), single.getMessage());
  }

  @Test
  void ordinaryMatchersStillCompileAndMatch() {
    assertTrue(Matcher.compile(".*ark3.*").matcher("/ark3/x").matches());
    assertTrue(Matcher.compile("(a{10}){10}").matcher("a".repeat(100)).matches());
    assertTrue(Matcher.compile("(?i)bearer .*").matcher("Bearer t0k3n").matches());
    assertTrue(Matcher.compile("\\p{Greek}+").matcher("αβγ").matches());
    assertEquals(":path: /api/v[12]/.*", Matcher.of(":path", "/api/v[12]/.*").toString());
  }

  @Test
  void jsonRoundTripAndStrictFields() {
    Matcher m = Matcher.of(":path", ".*ark3.*");
    assertEquals(m, Matcher.fromJson(m.toJson()));
    assertThrows(InvalidInputException.class, () -> Matcher.fromJson(m.toJson().put("extra", 1)));
    assertThrows(InvalidInputException.class, () -> Matcher.fromJson("not an object"));
    assertThrows(
        InvalidInputException.class,
        () -> Matcher.fromJson(new JsonObject().put("header", ":path").put("regex", 5)));
  }

  @Test
  void namesAreDnsLabels() {
    Names.check("name", "test");
    Names.check("name", "a");
    Names.check("name", "dev-bob-2");
    Names.check("name", "a".repeat(63));
    for (String bad : new String[] {"", "-a", "a-", "A", "a_b", "a.b", "a".repeat(64), "a b"}) {
      assertThrows(InvalidInputException.class, () -> Names.check("name", bad), bad);
    }
  }
}

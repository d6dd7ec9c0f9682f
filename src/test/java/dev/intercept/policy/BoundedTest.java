package dev.intercept.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.brics.automaton.Automaton;
import dk.brics.automaton.BasicAutomata;
import dk.brics.automaton.RegExp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our capped operations give dk.brics's own answers, and stop at the cap. */
class BoundedTest {
  private static final List<String> REGEXES =
      List.of(
          "(a|b)*a(a|b)(a|b)",
          "[a-z]*ark[0-9]+",
          "(foo|fo|f)*(o|oo)*",
          "[\u0100-\uffff]*x|y[a-c]*",
          "",
          "#",
          "abc",
          "(ab|a)(bc|c)*[0-9]?");

  static Automaton nfa(String regex) {
    // a union of two copies is nondeterministic at its start, so determinising has work to do
    Automaton a = new RegExp(regex, RegExp.NONE).toAutomaton(false);
    return a.union(new RegExp(regex, RegExp.NONE).toAutomaton(false));
  }

  @Test
  void determinizeAndIntersectionAgreeWithDkBrics() {
    Bounded b = Bounded.within(100_000, 60_000);
    for (String x : REGEXES) {
      Automaton d = b.determinize(nfa(x));
      assertTrue(d.isDeterministic(), x);
      assertEquals(nfa(x), d, x); // dk.brics equals: the same language
      for (String y : REGEXES) {
        assertEquals(nfa(x).intersection(nfa(y)), b.intersection(nfa(x), nfa(y)), x + " & " + y);
        assertEquals(nfa(x).minus(nfa(y)), b.minus(nfa(x), nfa(y)), x + " - " + y);
      }
    }
  }

  @Test
  void theCapAndTheDeadlineStopAnExplosion() {
    // (a|b)*a(a|b){20}, built without determinising (dk.brics's RegExp determinises as it goes)
    Automaton ab = BasicAutomata.makeCharRange('a', 'b');
    Automaton bomb =
        ab.repeat().concatenate(BasicAutomata.makeChar('a')).concatenate(ab.repeat(20, 20));
    assertTrue(!bomb.isDeterministic());
    Bounded.TooComplex e =
        assertThrows(
            Bounded.TooComplex.class, () -> Bounded.within(5_000, 60_000).determinize(bomb));
    assertTrue(e.getMessage().contains("5000 states"), e.getMessage());
    e =
        assertThrows(
            Bounded.TooComplex.class, () -> Bounded.within(10_000_000, 50).determinize(bomb));
    assertTrue(e.getMessage().contains("longer than 50 ms"), e.getMessage());
  }
}

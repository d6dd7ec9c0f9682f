package dev.intercept.policy;

import dk.brics.automaton.Automaton;
import dk.brics.automaton.BasicAutomata;
import java.util.HashMap;
import java.util.Map;

/**
 * The values a request can really carry in the pseudo-headers (for catch-all decisions), and
 * readable example values for witnesses: printable ASCII first, inside what the header can carry.
 */
final class Values {
  /**
   * Header -> every value it takes in a real request; only the pseudo-headers always present (a
   * path always starts with '/': OPTIONS * aside, which no app is intercepted for).
   */
  private static final Map<String, String> POSSIBLE =
      Map.of(
          ":path", "/.*",
          ":method", "GET|HEAD|POST|PUT|DELETE|CONNECT|OPTIONS|TRACE|PATCH",
          ":scheme", "https?",
          ":authority", "[A-Za-z0-9.-]+(:[0-9]{1,5})?");

  private static final Map<String, Automaton> LANGUAGES = new HashMap<>();

  static {
    POSSIBLE.forEach(
        (h, regex) ->
            LANGUAGES.put(h, RegexLanguage.of(regex, Bounded.within(1000, 60_000)).automaton()));
  }

  private static final Automaton PRINTABLE =
      BasicAutomata.makeCharRange('!', '~')
          .concatenate(BasicAutomata.makeCharRange(' ', '~').repeat());

  private Values() {}

  /** Every value the header carries in a real request, or null if a request may omit it. */
  static Automaton possible(String header) {
    return LANGUAGES.get(header);
  }

  /** A value of {@code l}: realistic and printable when there is one, else the shortest. */
  static String example(String header, Automaton l, Bounded bounds) {
    Automaton p = possible(header);
    for (Automaton preferred :
        p == null
            ? new Automaton[] {bounds.intersection(l, PRINTABLE)}
            : new Automaton[] {
              bounds.intersection(bounds.intersection(l, p), PRINTABLE), bounds.intersection(l, p)
            }) {
      if (!preferred.isEmpty()) {
        return preferred.getShortestExample(true);
      }
    }
    return l.getShortestExample(true);
  }

  /**
   * True when an intercept with these languages takes every request: each header it matches is
   * always present and each language covers every value the header can carry.
   */
  static boolean everything(Map<String, Automaton> byHeader, Bounded bounds) {
    for (var e : byHeader.entrySet()) {
      Automaton p = possible(e.getKey());
      if (p == null || !bounds.minus(p, e.getValue()).isEmpty()) {
        return false;
      }
    }
    return !byHeader.isEmpty();
  }
}

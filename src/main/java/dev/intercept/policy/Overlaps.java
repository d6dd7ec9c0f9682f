package dev.intercept.policy;

import com.google.re2j.Pattern;
import dev.intercept.protocol.Matcher;
import dk.brics.automaton.Automaton;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether two intercepts could both take one request, decided on their languages: they overlap
 * when, for every header both constrain, some value matches both (a header only one constrains is
 * free: the request simply carries a value it likes). The answer "disjoint" is always true (the
 * languages are exact or supersets); an overlap comes with a witness request, confirmed with RE2/J
 * when the languages are exact.
 */
final class Overlaps {
  private Overlaps() {}

  /** A request both would take, header by header; {@code certain} once RE2/J agreed. */
  record Overlap(Map<String, String> witness, boolean certain) {}

  static Optional<Overlap> between(
      List<Matcher> aMatchers,
      InterceptLanguage a,
      List<Matcher> bMatchers,
      InterceptLanguage b,
      Bounded bounds) {
    Map<String, Automaton> both = new LinkedHashMap<>();
    Set<String> headers = new LinkedHashSet<>(a.byHeader().keySet());
    headers.addAll(b.byHeader().keySet());
    for (String h : headers) {
      Automaton la = a.byHeader().get(h);
      Automaton lb = b.byHeader().get(h);
      Automaton l = la == null ? lb : lb == null ? la : bounds.intersection(la, lb);
      if (l.isEmpty()) {
        return Optional.empty();
      }
      both.put(h, l);
    }
    Map<String, String> witness = new LinkedHashMap<>();
    both.forEach((h, l) -> witness.put(h, Values.example(h, l, bounds)));
    boolean certain = matchesAll(aMatchers, witness) && matchesAll(bMatchers, witness);
    return Optional.of(new Overlap(witness, certain));
  }

  /** RE2/J's word on the witness: every matcher fully matches its header's value. */
  static boolean matchesAll(List<Matcher> matchers, Map<String, String> witness) {
    for (Matcher m : matchers) {
      String v = witness.get(InterceptLanguage.header(m));
      if (v == null || !Pattern.compile(m.regex()).matches(v)) {
        return false;
      }
    }
    return true;
  }
}

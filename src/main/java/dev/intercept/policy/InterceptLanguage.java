package dev.intercept.policy;

import dev.intercept.protocol.Matcher;
import dk.brics.automaton.Automaton;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one intercept takes, per header: the values its matchers on that header all fully match
 * (their intersection). Host and :authority are one header (the router reads both from Host).
 */
record InterceptLanguage(Map<String, Automaton> byHeader, boolean exact, String inexactBecause) {

  static InterceptLanguage of(List<Matcher> matchers, LanguageCache cache, Bounded bounds) {
    Map<String, Automaton> byHeader = new LinkedHashMap<>();
    Set<String> why = new LinkedHashSet<>();
    for (Matcher m : matchers) {
      RegexLanguage l = cache.get(m.regex(), bounds);
      if (!l.exact()) {
        why.add(l.inexactBecause());
      }
      byHeader.merge(header(m), l.automaton(), bounds::intersection);
    }
    return new InterceptLanguage(Map.copyOf(byHeader), why.isEmpty(), String.join(", ", why));
  }

  /** The header a matcher reads, with Host and :authority as one. */
  static String header(Matcher m) {
    return m.header().equals("host") ? ":authority" : m.header();
  }
}

package dev.intercept.policy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Regex languages already built, by regex: the same patterns come back with every registration on
 * an app, and building one (determinising, minimising) is the costly part. Bounded, least recently
 * used out first; safe to share between threads.
 */
final class LanguageCache {
  private final Map<String, RegexLanguage> entries;

  // a regex too complex to build (Bounded.TooComplex) is not kept: it fails again, as cheaply

  LanguageCache(int capacity) {
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, RegexLanguage> eldest) {
            return size() > capacity;
          }
        };
  }

  RegexLanguage get(String regex, Bounded bounds) {
    synchronized (entries) {
      RegexLanguage l = entries.get(regex);
      if (l != null) {
        return l;
      }
    }
    // built outside the lock: two threads may build the same one, the second simply wins
    RegexLanguage built = RegexLanguage.of(regex, bounds);
    synchronized (entries) {
      entries.put(regex, built);
    }
    return built;
  }
}

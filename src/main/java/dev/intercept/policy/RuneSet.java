package dev.intercept.policy;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** A set of runes kept as disjoint, non-adjacent ranges, as RE2's CharClassBuilder keeps it. */
final class RuneSet {
  private final TreeMap<Integer, Integer> ranges = new TreeMap<>();

  void add(int lo, int hi) {
    Map.Entry<Integer, Integer> before = ranges.floorEntry(lo);
    if (before != null && before.getValue() >= lo - 1) {
      lo = before.getKey();
      hi = Math.max(hi, before.getValue());
    }
    Map.Entry<Integer, Integer> next = ranges.ceilingEntry(lo);
    while (next != null && next.getKey() <= hi + 1) {
      hi = Math.max(hi, next.getValue());
      ranges.remove(next.getKey());
      next = ranges.ceilingEntry(lo);
    }
    ranges.put(lo, hi);
  }

  void addRanges(int[] pairs) {
    for (int i = 0; i < pairs.length; i += 2) {
      add(pairs[i], pairs[i + 1]);
    }
  }

  /** Adds r and every rune in its case-folding orbit, as RE2 does for a case-folded literal. */
  void addFolded(int r) {
    int f = r;
    do {
      add(f, f);
      f = Re2jParser.simpleFold(f);
    } while (f != r);
  }

  /**
   * RE2's AddFoldedRange for one rune, as it merges a case-folded literal into a class: it walks
   * r's orbit only until it meets a rune already in the set, assuming the rest is there too (so
   * [ab]|(?i:a) merges to [ab], not [Aab]).
   */
  void addFoldedUnlessPresent(int r) {
    while (!contains(toRanges(), r)) {
      add(r, r);
      r = Re2jParser.simpleFold(r);
    }
  }

  /**
   * Like addFolded, and for a non-ASCII rune also every case mapping the JDK knows: RE2/J's folding
   * tables predate case pairs that RE2's have (Georgian, Cherokee, ...), and a missed partner would
   * make the class, and the program, look smaller than RE2's.
   */
  void addFoldedGenerously(int r) {
    addFolded(r);
    if (r < 0x80) {
      return;
    }
    int[] pending = {r};
    while (pending.length > 0) {
      int c = pending[0];
      pending = Arrays.copyOfRange(pending, 1, pending.length);
      for (int m :
          new int[] {
            Character.toUpperCase(c), Character.toLowerCase(c), Character.toTitleCase(c)
          }) {
        if (m >= 0x80 && !contains(toRanges(), m)) {
          addFolded(m);
          pending = Arrays.copyOf(pending, pending.length + 1);
          pending[pending.length - 1] = m;
        }
      }
    }
  }

  void remove(int r) {
    Map.Entry<Integer, Integer> at = ranges.floorEntry(r);
    if (at == null || at.getValue() < r) {
      return;
    }
    ranges.remove(at.getKey());
    if (at.getKey() < r) {
      ranges.put(at.getKey(), r - 1);
    }
    if (at.getValue() > r) {
      ranges.put(r + 1, at.getValue());
    }
  }

  /** Every rune the ranges leave out. */
  static int[] complement(int[] ranges) {
    RuneSet set = new RuneSet();
    int next = 0;
    for (int k = 0; k < ranges.length; k += 2) {
      if (ranges[k] > next) {
        set.add(next, ranges[k] - 1);
      }
      next = ranges[k + 1] + 1;
    }
    if (next <= Re2Regexp.MAX_RUNE) {
      set.add(next, Re2Regexp.MAX_RUNE);
    }
    return set.toRanges();
  }

  int[] toRanges() {
    int[] out = new int[ranges.size() * 2];
    int i = 0;
    for (Map.Entry<Integer, Integer> e : ranges.entrySet()) {
      out[i++] = e.getKey();
      out[i++] = e.getValue();
    }
    return out;
  }

  static int[] normalize(int[] pairs) {
    RuneSet set = new RuneSet();
    set.addRanges(pairs);
    return set.toRanges();
  }

  static int size(int[] ranges) {
    int n = 0;
    for (int i = 0; i < ranges.length; i += 2) {
      n += ranges[i + 1] - ranges[i] + 1;
    }
    return n;
  }

  /** RE2's FoldsASCII: the class holds each ASCII letter exactly when it holds its other case. */
  static boolean foldsAscii(int[] ranges) {
    for (int c = 'A'; c <= 'Z'; c++) {
      if (contains(ranges, c) != contains(ranges, c + 'a' - 'A')) {
        return false;
      }
    }
    return true;
  }

  static boolean contains(int[] ranges, int r) {
    for (int i = 0; i < ranges.length; i += 2) {
      if (ranges[i] <= r && r <= ranges[i + 1]) {
        return true;
      }
    }
    return false;
  }
}

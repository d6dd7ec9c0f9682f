package dev.intercept.policy;

import dev.intercept.policy.Fragments.Frag;
import java.util.HashMap;
import java.util.Map;

/**
 * One character class's alternatives as RE2 builds them (compile.cc, the rune cache and AddSuffix):
 * byte sequences merged into a trie on their first bytes, their trailing byte ranges shared through
 * a cache. Utf8Ranges decides the sequences.
 */
final class RuneRangeBuilder {
  private final Fragments f;
  private final Re2Program prog;
  private final Map<Long, Integer> runeCache = new HashMap<>();
  private int rangeBegin;
  private int rangeHead;
  private int rangeTail;

  RuneRangeBuilder(Fragments f) {
    this.f = f;
    this.prog = f.prog;
  }

  Frag end() {
    return new Frag(rangeBegin, rangeHead, rangeTail, false);
  }

  int uncachedSuffix(int lo, int hi, boolean fold, int next) {
    Frag b = f.byteRange(lo, hi, fold);
    if (next != 0) {
      f.patch(b.head(), next);
    } else {
      int[] l = f.append(rangeHead, rangeTail, b.head(), b.tail());
      rangeHead = l[0];
      rangeTail = l[1];
    }
    return b.begin();
  }

  int cachedSuffix(int lo, int hi, boolean fold, int next) {
    Long key = cacheKey(lo, hi, fold, next);
    Integer id = runeCache.get(key);
    if (id != null) {
      return id;
    }
    int made = uncachedSuffix(lo, hi, fold, next);
    runeCache.put(key, made);
    return made;
  }

  boolean isCachedSuffix(int id) {
    return runeCache.containsKey(cacheKey(prog.lo[id], prog.hi[id], prog.fold[id], prog.out[id]));
  }

  private static Long cacheKey(int lo, int hi, boolean fold, int next) {
    return (long) next << 17 | (long) lo << 9 | (long) hi << 1 | (fold ? 1 : 0);
  }

  /** Adds one byte sequence (starting at id) to the range's alternatives, sharing prefixes. */
  void addSuffix(int id) {
    if (f.failed) {
      return;
    }
    if (rangeBegin == 0) {
      rangeBegin = id;
      return;
    }
    rangeBegin = addSuffixRecursive(rangeBegin, id);
  }

  private int addSuffixRecursive(int root, int id) {
    int found = 0;
    int foundHead = -1;
    if (prog.opcode[root] == Re2Program.BYTE_RANGE) {
      if (prog.sameByteRange(root, id)) {
        found = root;
        foundHead = 0;
      }
    } else if (prog.opcode[root] == Re2Program.ALT && prog.sameByteRange(prog.out1[root], id)) {
      found = root;
      foundHead = (root << 1) | 1;
    }
    if (found == 0) {
      int alt = f.alloc(1);
      if (alt < 0) {
        return 0;
      }
      prog.set(alt, Re2Program.ALT, root, id);
      return alt;
    }
    int br = foundHead == 0 ? root : prog.out1[found];
    if (isCachedSuffix(br)) {
      // a shared suffix must not be edited in place: copy it first
      int copy = f.alloc(1);
      if (copy < 0) {
        return 0;
      }
      prog.setByteRange(copy, prog.lo[br], prog.hi[br], prog.fold[br], prog.out[br]);
      br = copy;
      if (foundHead == 0) {
        root = br;
      } else {
        prog.out1[found] = br;
      }
    }
    int next = prog.out[id];
    if (!isCachedSuffix(id)) {
      prog.dropLast();
    }
    int merged = addSuffixRecursive(prog.out[br], next);
    if (merged == 0) {
      return 0;
    }
    prog.out[br] = merged;
    return root;
  }
}

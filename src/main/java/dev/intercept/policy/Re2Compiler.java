package dev.intercept.policy;

import java.util.HashMap;
import java.util.Map;

/**
 * RE2's compiler (compile.cc) for a forward, UTF-8 program: Thompson fragments with patch lists,
 * and character classes as UTF-8 byte-range automata that share common suffixes. It reproduces
 * RE2's instruction numbering, because flattening depends on it. It stops at RE2's own instruction
 * budget, past which RE2 refuses the pattern as too large.
 */
final class Re2Compiler {
  private static final int RUNE_SELF = 0x80;

  /** A fragment: its entry, the list of dangling exits to patch, and whether it matches "". */
  private record Frag(int begin, int head, int tail, boolean nullable) {
    static final Frag NO_MATCH = new Frag(0, 0, 0, false);

    boolean noMatch() {
      return begin == 0;
    }
  }

  private final Re2Program prog = new Re2Program();
  private final int maxInst;
  private long visits;
  private boolean failed;
  private final Map<Long, Integer> runeCache = new HashMap<>();
  private int rangeBegin;
  private int rangeHead;
  private int rangeTail;

  private Re2Compiler(int maxInst) {
    this.maxInst = maxInst;
    prog.alloc(1);
    prog.set(0, Re2Program.FAIL, 0, 0);
  }

  /** Compiles as RE2::Init does for its forward program; empty when over the budget. */
  static Re2Program compile(Re2Regexp re, boolean anchorStart, int maxInst) {
    Re2Compiler c = new Re2Compiler(maxInst);
    Frag all = c.walk(re);
    if (c.failed) {
      return null;
    }
    all = c.cat(all, c.match());
    c.prog.start = all.begin();
    if (!anchorStart) {
      // the unanchored prefix: a non-greedy loop over any byte
      all = c.cat(c.star(c.byteRange(0x00, 0xff, false), true), all);
    }
    c.prog.startUnanchored = all.begin();
    if (c.failed) {
      return null;
    }
    if (c.prog.start == 0 && c.prog.startUnanchored == 0) {
      c.prog.size = 1;
    }
    return c.prog;
  }

  /** How many instructions one class (or any-char) compiles to, before flattening. */
  static int rangeInstructions(Re2Regexp charClass) {
    Re2Compiler c = new Re2Compiler(Integer.MAX_VALUE);
    c.walk(charClass);
    return c.prog.size - 1;
  }

  private Frag walk(Re2Regexp re) {
    if (failed || ++visits > 2L * maxInst) {
      failed = true;
      return Frag.NO_MATCH;
    }
    Frag[] subs = new Frag[re.subs().size()];
    for (int i = 0; i < subs.length; i++) {
      subs[i] = walk(re.subs().get(i));
    }
    if (failed) {
      return Frag.NO_MATCH;
    }
    boolean nonGreedy = re.nonGreedy();
    return switch (re.op()) {
      case NO_MATCH -> Frag.NO_MATCH;
      case EMPTY_MATCH -> nop();
      case CONCAT -> {
        Frag f = subs[0];
        for (int i = 1; i < subs.length; i++) {
          f = cat(f, subs[i]);
        }
        yield f;
      }
      case ALTERNATE -> {
        Frag f = subs[0];
        for (int i = 1; i < subs.length; i++) {
          f = alt(f, subs[i]);
        }
        yield f;
      }
      case STAR -> star(subs[0], nonGreedy);
      case PLUS -> plus(subs[0], nonGreedy);
      case QUEST -> quest(subs[0], nonGreedy);
      case LITERAL, LITERAL_STRING -> {
        if (re.runes().length == 0) {
          yield nop();
        }
        Frag f = literal(re.runes()[0], re.foldCase());
        for (int i = 1; i < re.runes().length; i++) {
          f = cat(f, literal(re.runes()[i], re.foldCase()));
        }
        yield f;
      }
      case ANY_CHAR -> {
        beginRange();
        Utf8Ranges.add(this, 0, Re2Regexp.MAX_RUNE, false);
        yield endRange();
      }
      case CHAR_CLASS -> charClass(re.runes());
      case CAPTURE -> re.cap() < 0 ? subs[0] : capture(subs[0], re.cap());
      case BEGIN_LINE, END_LINE, BEGIN_TEXT, END_TEXT, WORD_BOUNDARY, NO_WORD_BOUNDARY ->
          emptyWidth();
      case REPEAT -> {
        failed = true;
        yield Frag.NO_MATCH;
      }
    };
  }

  private Frag charClass(int[] ranges) {
    if (ranges.length == 0) {
      failed = true;
      return Frag.NO_MATCH;
    }
    // a class that treats A-Z as a-z compiles its letters once, as case-folded byte ranges
    boolean foldsAscii = RuneSet.foldsAscii(ranges);
    beginRange();
    for (int i = 0; i < ranges.length; i += 2) {
      int lo = ranges[i];
      int hi = ranges[i + 1];
      if (foldsAscii && 'A' <= lo && hi <= 'Z') {
        continue;
      }
      boolean fold =
          foldsAscii
              && !((lo <= 'A' && 'z' <= hi) || hi < 'A' || 'z' < lo || ('Z' < lo && hi < 'a'));
      Utf8Ranges.add(this, lo, hi, fold);
    }
    return endRange();
  }

  private Frag literal(int r, boolean fold) {
    if (r < RUNE_SELF) {
      return byteRange(r, r, fold);
    }
    byte[] b = Utf8Ranges.encode(r);
    Frag f = byteRange(b[0] & 0xff, b[0] & 0xff, false);
    for (int i = 1; i < b.length; i++) {
      f = cat(f, byteRange(b[i] & 0xff, b[i] & 0xff, false));
    }
    return f;
  }

  // --- instructions and fragments ---

  private int alloc(int n) {
    if (failed || prog.size + n > maxInst) {
      failed = true;
      return -1;
    }
    return prog.alloc(n);
  }

  private void patch(int head, int target) {
    while (head != 0) {
      int id = head >> 1;
      if ((head & 1) != 0) {
        head = prog.out1[id];
        prog.out1[id] = target;
      } else {
        head = prog.out[id];
        prog.out[id] = target;
      }
    }
  }

  /** Appends list 2 to list 1; returns {head, tail}. */
  private int[] append(int head1, int tail1, int head2, int tail2) {
    if (head1 == 0) {
      return new int[] {head2, tail2};
    }
    if (head2 == 0) {
      return new int[] {head1, tail1};
    }
    if ((tail1 & 1) != 0) {
      prog.out1[tail1 >> 1] = head2;
    } else {
      prog.out[tail1 >> 1] = head2;
    }
    return new int[] {head1, tail2};
  }

  private Frag cat(Frag a, Frag b) {
    if (a.noMatch() || b.noMatch()) {
      return Frag.NO_MATCH;
    }
    // an empty first half (a lone Nop) is elided
    if (prog.opcode[a.begin()] == Re2Program.NOP
        && a.head() == a.begin() << 1
        && prog.out[a.begin()] == 0) {
      patch(a.head(), b.begin());
      return b;
    }
    patch(a.head(), b.begin());
    return new Frag(a.begin(), b.head(), b.tail(), a.nullable() && b.nullable());
  }

  private Frag alt(Frag a, Frag b) {
    if (a.noMatch()) {
      return b;
    }
    if (b.noMatch()) {
      return a;
    }
    int id = alloc(1);
    if (id < 0) {
      return Frag.NO_MATCH;
    }
    prog.set(id, Re2Program.ALT, a.begin(), b.begin());
    int[] l = append(a.head(), a.tail(), b.head(), b.tail());
    return new Frag(id, l[0], l[1], a.nullable() || b.nullable());
  }

  /** A loop instruction: greedy tries the body first (out), non-greedy the exit first. */
  private int loop(int body, boolean nonGreedy) {
    int id = alloc(1);
    if (id < 0) {
      return -1;
    }
    if (nonGreedy) {
      prog.set(id, Re2Program.ALT, 0, body);
    } else {
      prog.set(id, Re2Program.ALT, body, 0);
    }
    return id;
  }

  private static int exit(int id, boolean nonGreedy) {
    return nonGreedy ? id << 1 : (id << 1) | 1;
  }

  private Frag plus(Frag a, boolean nonGreedy) {
    int id = loop(a.begin(), nonGreedy);
    if (id < 0) {
      return Frag.NO_MATCH;
    }
    patch(a.head(), id);
    int e = exit(id, nonGreedy);
    return new Frag(a.begin(), e, e, a.nullable());
  }

  private Frag star(Frag a, boolean nonGreedy) {
    // a nullable body needs (x+)? to keep the priority of empty matches right
    if (a.nullable()) {
      return quest(plus(a, nonGreedy), nonGreedy);
    }
    int id = loop(a.begin(), nonGreedy);
    if (id < 0) {
      return Frag.NO_MATCH;
    }
    patch(a.head(), id);
    int e = exit(id, nonGreedy);
    return new Frag(id, e, e, true);
  }

  private Frag quest(Frag a, boolean nonGreedy) {
    if (a.noMatch()) {
      return nop();
    }
    int id = loop(a.begin(), nonGreedy);
    if (id < 0) {
      return Frag.NO_MATCH;
    }
    int e = exit(id, nonGreedy);
    int[] l = append(e, e, a.head(), a.tail());
    return new Frag(id, l[0], l[1], true);
  }

  Frag byteRange(int lo, int hi, boolean fold) {
    int id = alloc(1);
    if (id < 0) {
      return Frag.NO_MATCH;
    }
    prog.setByteRange(id, lo, hi, fold, 0);
    return new Frag(id, id << 1, id << 1, false);
  }

  private Frag nop() {
    int id = alloc(1);
    if (id < 0) {
      return Frag.NO_MATCH;
    }
    prog.set(id, Re2Program.NOP, 0, 0);
    return new Frag(id, id << 1, id << 1, true);
  }

  private Frag match() {
    int id = alloc(1);
    if (id < 0) {
      return Frag.NO_MATCH;
    }
    prog.set(id, Re2Program.MATCH, 0, 0);
    return new Frag(id, 0, 0, false);
  }

  private Frag emptyWidth() {
    int id = alloc(1);
    if (id < 0) {
      return Frag.NO_MATCH;
    }
    prog.set(id, Re2Program.EMPTY_WIDTH, 0, 0);
    return new Frag(id, id << 1, id << 1, true);
  }

  private Frag capture(Frag a, int n) {
    if (a.noMatch()) {
      return Frag.NO_MATCH;
    }
    int id = alloc(2);
    if (id < 0) {
      return Frag.NO_MATCH;
    }
    prog.set(id, Re2Program.CAPTURE, a.begin(), 0);
    prog.set(id + 1, Re2Program.CAPTURE, 0, 0);
    patch(a.head(), id + 1);
    int e = (id + 1) << 1;
    return new Frag(id, e, e, a.nullable());
  }

  // --- rune ranges (used by Utf8Ranges) ---

  private void beginRange() {
    runeCache.clear();
    rangeBegin = 0;
    rangeHead = 0;
    rangeTail = 0;
  }

  private Frag endRange() {
    return new Frag(rangeBegin, rangeHead, rangeTail, false);
  }

  boolean failed() {
    return failed;
  }

  Re2Program program() {
    return prog;
  }

  /** A byte range leading to next, or (next 0) to the range's exit. */
  int uncachedSuffix(int lo, int hi, boolean fold, int next) {
    Frag f = byteRange(lo, hi, fold);
    if (next != 0) {
      patch(f.head(), next);
    } else {
      int[] l = append(rangeHead, rangeTail, f.head(), f.tail());
      rangeHead = l[0];
      rangeTail = l[1];
    }
    return f.begin();
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
    if (failed) {
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
      int alt = alloc(1);
      if (alt < 0) {
        return 0;
      }
      prog.set(alt, Re2Program.ALT, root, id);
      return alt;
    }
    int br = foundHead == 0 ? root : prog.out1[found];
    if (isCachedSuffix(br)) {
      // a shared suffix must not be edited in place: copy it first
      int copy = alloc(1);
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

package dev.intercept.policy;

import dev.intercept.policy.Fragments.Frag;

/**
 * RE2's compiler (compile.cc) for a forward, UTF-8 program: Thompson fragments with patch lists,
 * and character classes as UTF-8 byte-range automata that share common suffixes. It reproduces
 * RE2's instruction numbering, because flattening depends on it. It stops at RE2's own instruction
 * budget, past which RE2 refuses the pattern as too large.
 */
final class Re2Compiler {
  private static final int RUNE_SELF = 0x80;

  private final Fragments f;
  private final int maxInst;
  private long visits;

  private Re2Compiler(int maxInst, Fragments f) {
    this.maxInst = maxInst;
    this.f = f;
  }

  /** Compiles as RE2::Init does for its forward program; empty when over the budget. */
  static Re2Program compile(Re2Regexp re, boolean anchorStart, int maxInst) {
    Fragments f = new Fragments(maxInst);
    Frag all = new Re2Compiler(maxInst, f).walk(re);
    if (f.failed) {
      return null;
    }
    all = f.cat(all, f.match());
    f.prog.start = all.begin();
    if (!anchorStart) {
      // the unanchored prefix: a non-greedy loop over any byte
      all = f.cat(f.star(f.byteRange(0x00, 0xff, false), true), all);
    }
    f.prog.startUnanchored = all.begin();
    if (f.failed) {
      return null;
    }
    if (f.prog.start == 0 && f.prog.startUnanchored == 0) {
      f.prog.size = 1;
    }
    return f.prog;
  }

  /** How many instructions one class (or any-char) compiles to, before flattening. */
  static int rangeInstructions(Re2Regexp charClass) {
    Fragments f = new Fragments(Integer.MAX_VALUE);
    new Re2Compiler(Integer.MAX_VALUE, f).walk(charClass);
    return f.prog.size - 1;
  }

  private Frag walk(Re2Regexp re) {
    if (f.failed || ++visits > 2L * maxInst) {
      f.failed = true;
      return Frag.NO_MATCH;
    }
    Frag[] subs = new Frag[re.subs().size()];
    for (int i = 0; i < subs.length; i++) {
      subs[i] = walk(re.subs().get(i));
    }
    if (f.failed) {
      return Frag.NO_MATCH;
    }
    boolean nonGreedy = re.nonGreedy();
    return switch (re.op()) {
      case NO_MATCH -> Frag.NO_MATCH;
      case EMPTY_MATCH -> f.nop();
      case CONCAT -> {
        Frag all = subs[0];
        for (int i = 1; i < subs.length; i++) {
          all = f.cat(all, subs[i]);
        }
        yield all;
      }
      case ALTERNATE -> {
        Frag all = subs[0];
        for (int i = 1; i < subs.length; i++) {
          all = f.alt(all, subs[i]);
        }
        yield all;
      }
      case STAR -> f.star(subs[0], nonGreedy);
      case PLUS -> f.plus(subs[0], nonGreedy);
      case QUEST -> f.quest(subs[0], nonGreedy);
      case LITERAL, LITERAL_STRING -> {
        if (re.runes().length == 0) {
          yield f.nop();
        }
        Frag all = literal(re.runes()[0], re.foldCase());
        for (int i = 1; i < re.runes().length; i++) {
          all = f.cat(all, literal(re.runes()[i], re.foldCase()));
        }
        yield all;
      }
      case ANY_CHAR -> {
        RuneRangeBuilder b = new RuneRangeBuilder(f);
        Utf8Ranges.add(b, 0, Re2Regexp.MAX_RUNE, false);
        yield b.end();
      }
      case CHAR_CLASS -> charClass(re.runes());
      case CAPTURE -> re.cap() < 0 ? subs[0] : f.capture(subs[0], re.cap());
      case BEGIN_LINE, END_LINE, BEGIN_TEXT, END_TEXT, WORD_BOUNDARY, NO_WORD_BOUNDARY ->
          f.emptyWidth();
      case REPEAT -> {
        f.failed = true;
        yield Frag.NO_MATCH;
      }
    };
  }

  private Frag charClass(int[] ranges) {
    if (ranges.length == 0) {
      f.failed = true;
      return Frag.NO_MATCH;
    }
    // a class that treats A-Z as a-z compiles its letters once, as case-folded byte ranges
    boolean foldsAscii = RuneSet.foldsAscii(ranges);
    RuneRangeBuilder b = new RuneRangeBuilder(f);
    for (int i = 0; i < ranges.length; i += 2) {
      int lo = ranges[i];
      int hi = ranges[i + 1];
      if (foldsAscii && 'A' <= lo && hi <= 'Z') {
        continue;
      }
      boolean fold =
          foldsAscii
              && !((lo <= 'A' && 'z' <= hi) || hi < 'A' || 'z' < lo || ('Z' < lo && hi < 'a'));
      Utf8Ranges.add(b, lo, hi, fold);
    }
    return b.end();
  }

  private Frag literal(int r, boolean fold) {
    if (r < RUNE_SELF) {
      return f.byteRange(r, r, fold);
    }
    byte[] b = Utf8Ranges.encode(r);
    Frag all = f.byteRange(b[0] & 0xff, b[0] & 0xff, false);
    for (int i = 1; i < b.length; i++) {
      all = f.cat(all, f.byteRange(b[i] & 0xff, b[i] & 0xff, false));
    }
    return all;
  }
}

package dev.intercept.policy;

/**
 * How RE2 turns a rune range into UTF-8 byte ranges (compile.cc, AddRuneRangeUTF8): split until
 * every piece has one encoded length and differs only in trailing bytes that span their full range,
 * then add each piece as a byte sequence whose trailing ranges are shared through a cache.
 */
final class Utf8Ranges {
  private static final int[] MAX_RUNE_OF_LENGTH = {0, 0x7F, 0x7FF, 0xFFFF};

  private Utf8Ranges() {}

  static void add(RuneRangeBuilder c, int lo, int hi, boolean fold) {
    if (lo > hi) {
      return;
    }
    if (lo == 0x80 && hi == 0x10FFFF) {
      addAllNonAscii(c);
      return;
    }
    for (int n = 1; n < 4; n++) {
      int max = MAX_RUNE_OF_LENGTH[n];
      if (lo <= max && max < hi) {
        add(c, lo, max, fold);
        add(c, max + 1, hi, fold);
        return;
      }
    }
    if (hi < 0x80) {
      c.addSuffix(c.uncachedSuffix(lo, hi, fold, 0));
      return;
    }
    for (int i = 1; i < 4; i++) {
      int m = (1 << (6 * i)) - 1; // the last i bytes of a sequence
      if ((lo & ~m) != (hi & ~m)) {
        if ((lo & m) != 0) {
          add(c, lo, lo | m, fold);
          add(c, (lo | m) + 1, hi, fold);
          return;
        }
        if ((hi & m) != m) {
          add(c, lo, (hi & ~m) - 1, fold);
          add(c, hi & ~m, hi, fold);
          return;
        }
      }
    }
    byte[] ulo = encode(lo);
    byte[] uhi = encode(hi);
    int id = 0;
    for (int i = ulo.length - 1; i >= 0; i--) {
      int bl = ulo[i] & 0xff;
      int bh = uhi[i] & 0xff;
      // the last byte, and middle bytes that span a range, are shared between sequences
      if (i == ulo.length - 1 || (bl < bh && i != 0)) {
        id = c.cachedSuffix(bl, bh, false, id);
      } else {
        id = c.uncachedSuffix(bl, bh, false, id);
      }
    }
    c.addSuffix(id);
  }

  /** RE2's shortcut for 80-10FFFF: loose ranges (overlong and past 10FFFF allowed), 6 bytes. */
  private static void addAllNonAscii(RuneRangeBuilder c) {
    int cont1 = c.uncachedSuffix(0x80, 0xBF, false, 0);
    c.addSuffix(c.uncachedSuffix(0xC2, 0xDF, false, cont1));
    int cont2 = c.uncachedSuffix(0x80, 0xBF, false, cont1);
    c.addSuffix(c.uncachedSuffix(0xE0, 0xEF, false, cont2));
    int cont3 = c.uncachedSuffix(0x80, 0xBF, false, cont2);
    c.addSuffix(c.uncachedSuffix(0xF0, 0xF4, false, cont3));
  }

  /** UTF-8 of a rune, surrogates included (RE2 encodes them like any other rune). */
  static byte[] encode(int r) {
    if (r < 0x80) {
      return new byte[] {(byte) r};
    }
    if (r < 0x800) {
      return new byte[] {(byte) (0xC0 | r >> 6), (byte) (0x80 | (r & 0x3F))};
    }
    if (r < 0x10000) {
      return new byte[] {
        (byte) (0xE0 | r >> 12), (byte) (0x80 | (r >> 6 & 0x3F)), (byte) (0x80 | (r & 0x3F))
      };
    }
    return new byte[] {
      (byte) (0xF0 | r >> 18),
      (byte) (0x80 | (r >> 12 & 0x3F)),
      (byte) (0x80 | (r >> 6 & 0x3F)),
      (byte) (0x80 | (r & 0x3F))
    };
  }
}

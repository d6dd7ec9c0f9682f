package dev.intercept.policy;

import java.util.Arrays;

/**
 * An RE2 program under construction, instruction by instruction as RE2's compiler lays it out
 * (instruction 0 is the fail instruction), so that flattening it gives RE2's count.
 */
final class Re2Program {
  static final int FAIL = 0;
  static final int ALT = 1;
  static final int BYTE_RANGE = 2;
  static final int CAPTURE = 3;
  static final int EMPTY_WIDTH = 4;
  static final int MATCH = 5;
  static final int NOP = 6;

  int[] opcode = new int[64];
  int[] out = new int[64];
  int[] out1 = new int[64];
  int[] lo = new int[64];
  int[] hi = new int[64];
  boolean[] fold = new boolean[64];
  int size;
  int start;
  int startUnanchored;

  /** Appends n instructions (as fail instructions) and returns the first's id. */
  int alloc(int n) {
    if (size + n > opcode.length) {
      int cap = Math.max(opcode.length * 2, size + n);
      opcode = Arrays.copyOf(opcode, cap);
      out = Arrays.copyOf(out, cap);
      out1 = Arrays.copyOf(out1, cap);
      lo = Arrays.copyOf(lo, cap);
      hi = Arrays.copyOf(hi, cap);
      fold = Arrays.copyOf(fold, cap);
    }
    int id = size;
    size += n;
    return id;
  }

  void set(int id, int op, int out, int out1) {
    opcode[id] = op;
    this.out[id] = out;
    this.out1[id] = out1;
    lo[id] = 0;
    hi[id] = 0;
    fold[id] = false;
  }

  void setByteRange(int id, int lo, int hi, boolean fold, int out) {
    set(id, BYTE_RANGE, out, 0);
    this.lo[id] = lo;
    this.hi[id] = hi;
    this.fold[id] = fold;
  }

  /** Drops the last instruction (RE2 does this when a rune-range suffix turns out shared). */
  void dropLast() {
    size--;
    set(size, FAIL, 0, 0);
  }

  boolean sameByteRange(int a, int b) {
    return lo[a] == lo[b] && hi[a] == hi[b] && fold[a] == fold[b];
  }
}

package dev.intercept.policy;

/**
 * Thompson fragments over an RE2 program, as RE2's compiler builds them (compile.cc): each fragment
 * has an entry and a patch list of dangling exits, threaded through the unfilled out fields.
 * Allocation stops at the instruction budget, after which every fragment is "no match".
 */
final class Fragments {
  /** A fragment: its entry, the list of dangling exits to patch, and whether it matches "". */
  record Frag(int begin, int head, int tail, boolean nullable) {
    static final Frag NO_MATCH = new Frag(0, 0, 0, false);

    boolean noMatch() {
      return begin == 0;
    }
  }

  final Re2Program prog = new Re2Program();
  private final int maxInst;
  boolean failed;

  Fragments(int maxInst) {
    this.maxInst = maxInst;
    prog.alloc(1);
    prog.set(0, Re2Program.FAIL, 0, 0);
  }

  int alloc(int n) {
    if (failed || prog.size + n > maxInst) {
      failed = true;
      return -1;
    }
    return prog.alloc(n);
  }

  void patch(int head, int target) {
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
  int[] append(int head1, int tail1, int head2, int tail2) {
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

  Frag cat(Frag a, Frag b) {
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

  Frag alt(Frag a, Frag b) {
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

  Frag plus(Frag a, boolean nonGreedy) {
    int id = loop(a.begin(), nonGreedy);
    if (id < 0) {
      return Frag.NO_MATCH;
    }
    patch(a.head(), id);
    int e = exit(id, nonGreedy);
    return new Frag(a.begin(), e, e, a.nullable());
  }

  Frag star(Frag a, boolean nonGreedy) {
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

  Frag quest(Frag a, boolean nonGreedy) {
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

  Frag nop() {
    int id = alloc(1);
    if (id < 0) {
      return Frag.NO_MATCH;
    }
    prog.set(id, Re2Program.NOP, 0, 0);
    return new Frag(id, id << 1, id << 1, true);
  }

  Frag match() {
    int id = alloc(1);
    if (id < 0) {
      return Frag.NO_MATCH;
    }
    prog.set(id, Re2Program.MATCH, 0, 0);
    return new Frag(id, 0, 0, false);
  }

  Frag emptyWidth() {
    int id = alloc(1);
    if (id < 0) {
      return Frag.NO_MATCH;
    }
    prog.set(id, Re2Program.EMPTY_WIDTH, 0, 0);
    return new Frag(id, id << 1, id << 1, true);
  }

  Frag capture(Frag a, int n) {
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
}

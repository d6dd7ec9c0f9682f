package dev.intercept.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The size RE2 reports (prog.cc, Optimize then Flatten): RE2 rewrites its program into lists, one
 * per "root" (the starts, every target of a consuming instruction, and every instruction reached by
 * alternation from more than one root), each list holding the non-alternation instructions its root
 * reaches without consuming input, plus one jump per other root it reaches. Alternations and no-ops
 * disappear; shared parts appear once.
 */
final class ProgramFlattener {
  private final Re2Program p;
  private final int[] rootIndex;
  private final List<Integer> roots = new ArrayList<>();
  private final List<List<Integer>> preds;
  private final int[] seen;
  private int generation;
  private int[] stack;

  private ProgramFlattener(Re2Program p) {
    this.p = p;
    rootIndex = new int[p.size];
    Arrays.fill(rootIndex, -1);
    preds = new ArrayList<>(p.size);
    for (int i = 0; i < p.size; i++) {
      preds.add(null);
    }
    seen = new int[p.size];
    stack = new int[16];
  }

  static int size(Re2Program p) {
    if (p.size == 1) {
      return 1;
    }
    skipNops(p);
    ProgramFlattener f = new ProgramFlattener(p);
    f.markSuccessors();
    List<Integer> sorted = new ArrayList<>(f.roots);
    sorted.sort(null);
    for (int i = sorted.size() - 1; i > 0; i--) {
      int root = sorted.get(i);
      if (root != p.start && root != p.startUnanchored) {
        f.markDominator(root);
      }
    }
    int total = 0;
    for (int i = 0; i < f.roots.size(); i++) {
      total += f.listLength(f.roots.get(i));
    }
    return total;
  }

  /** Optimize's first pass: from the anchored start, every jump bypasses no-op chains. */
  private static void skipNops(Re2Program p) {
    boolean[] queued = new boolean[p.size];
    int[] queue = new int[p.size];
    int n = 0;
    if (p.start != 0) {
      queue[n++] = p.start;
      queued[p.start] = true;
    }
    for (int i = 0; i < n; i++) {
      int id = queue[i];
      p.out[id] = pastNops(p, p.out[id]);
      if (p.out[id] != 0 && !queued[p.out[id]]) {
        queued[p.out[id]] = true;
        queue[n++] = p.out[id];
      }
      if (p.opcode[id] == Re2Program.ALT) {
        p.out1[id] = pastNops(p, p.out1[id]);
        if (p.out1[id] != 0 && !queued[p.out1[id]]) {
          queued[p.out1[id]] = true;
          queue[n++] = p.out1[id];
        }
      }
    }
  }

  private static int pastNops(Re2Program p, int j) {
    while (j != 0 && p.opcode[j] == Re2Program.NOP) {
      j = p.out[j];
    }
    return j;
  }

  private void addRoot(int id) {
    if (rootIndex[id] < 0) {
      rootIndex[id] = roots.size();
      roots.add(id);
    }
  }

  private boolean isRoot(int id) {
    return rootIndex[id] >= 0;
  }

  private int sp;

  private void push(int id) {
    if (sp == stack.length) {
      stack = Arrays.copyOf(stack, sp * 2);
    }
    stack[sp++] = id;
  }

  /** Visits once per generation; true when id was not yet visited. */
  private boolean visit(int id) {
    if (seen[id] == generation) {
      return false;
    }
    seen[id] = generation;
    return true;
  }

  private void markSuccessors() {
    addRoot(0);
    addRoot(p.startUnanchored);
    addRoot(p.start);
    generation++;
    sp = 0;
    push(p.startUnanchored);
    while (sp > 0) {
      int id = stack[--sp];
      while (visit(id)) {
        int op = p.opcode[id];
        if (op == Re2Program.ALT) {
          addPred(p.out[id], id);
          addPred(p.out1[id], id);
          push(p.out1[id]);
          id = p.out[id];
        } else if (op == Re2Program.NOP) {
          id = p.out[id];
        } else if (op == Re2Program.MATCH || op == Re2Program.FAIL) {
          break;
        } else {
          addRoot(p.out[id]);
          id = p.out[id];
        }
      }
    }
  }

  private void addPred(int id, int pred) {
    if (preds.get(id) == null) {
      preds.set(id, new ArrayList<>(2));
    }
    preds.get(id).add(pred);
  }

  /** Instructions reachable from root by alternation, stopping at other roots. */
  private List<Integer> epsilonRegion(int root) {
    List<Integer> region = new ArrayList<>();
    generation++;
    sp = 0;
    push(root);
    while (sp > 0) {
      int id = stack[--sp];
      while (visit(id)) {
        region.add(id);
        if (id != root && isRoot(id)) {
          break;
        }
        int op = p.opcode[id];
        if (op == Re2Program.ALT) {
          push(p.out1[id]);
          id = p.out[id];
        } else if (op == Re2Program.NOP) {
          id = p.out[id];
        } else {
          break;
        }
      }
    }
    return region;
  }

  /** An instruction that is also reached by alternation from outside root's region is a root. */
  private void markDominator(int root) {
    List<Integer> region = epsilonRegion(root);
    for (int id : region) {
      List<Integer> from = preds.get(id);
      if (from == null) {
        continue;
      }
      for (int pred : from) {
        if (seen[pred] != generation) {
          addRoot(id);
        }
      }
    }
  }

  private int listLength(int root) {
    int n = 0;
    for (int id : epsilonRegion(root)) {
      if (id != root && isRoot(id)) {
        n++; // a jump to that root's list
      } else if (p.opcode[id] != Re2Program.ALT && p.opcode[id] != Re2Program.NOP) {
        n++;
      }
    }
    return n;
  }
}

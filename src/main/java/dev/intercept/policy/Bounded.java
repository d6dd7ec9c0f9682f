package dev.intercept.policy;

import dk.brics.automaton.Automaton;
import dk.brics.automaton.State;
import dk.brics.automaton.Transition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The automaton operations whose result can grow exponentially (determinising) or quadratically
 * (intersecting), done with a cap on the states they create and a deadline, so one short regex
 * cannot exhaust the proxy's heap: {@code [ab]*a[ab]{20}} (RE2 program size 26) determinises to two
 * million states. dk.brics's own operations have no cap; past either bound these throw {@link
 * TooComplex}. They only read their inputs, so languages shared between threads stay untouched.
 */
final class Bounded {
  /** An operation passed the state cap or the deadline; nothing it built is kept. */
  static final class TooComplex extends RuntimeException {
    TooComplex(String message) {
      super(message, null, false, false);
    }
  }

  private final int maxStates;
  private final long millis;
  private final long deadlineNanos;

  /** At most {@code maxStates} per result, all within {@code millis} from now. */
  private Bounded(int maxStates, long millis) {
    this.maxStates = maxStates;
    this.millis = millis;
    this.deadlineNanos = System.nanoTime() + millis * 1_000_000;
  }

  static Bounded within(int maxStates, long millis) {
    return new Bounded(maxStates, millis);
  }

  private void created(int states) {
    if (states > maxStates) {
      throw new TooComplex("its automaton passes " + maxStates + " states");
    }
    if ((states & 63) == 0 && System.nanoTime() - deadlineNanos > 0) {
      throw new TooComplex("its analysis takes longer than " + millis + " ms");
    }
  }

  /** A deterministic automaton for the language of {@code a} (subset construction). */
  Automaton determinize(Automaton a) {
    if (a.isDeterministic()) {
      return a;
    }
    Map<Set<State>, State> made = new HashMap<>();
    Deque<Set<State>> todo = new ArrayDeque<>();
    Set<State> start = Set.of(a.getInitialState());
    State initial = newState(start, made, todo);
    while (!todo.isEmpty()) {
      Set<State> set = todo.poll();
      State from = made.get(set);
      for (Step s : steps(set)) {
        State to = made.get(s.targets());
        from.addTransition(
            new Transition(
                (char) s.lo(), (char) s.hi(), to != null ? to : newState(s.targets(), made, todo)));
      }
    }
    Automaton d = new Automaton();
    d.setInitialState(initial);
    d.setDeterministic(true);
    d.reduce();
    return d;
  }

  private State newState(Set<State> set, Map<Set<State>, State> made, Deque<Set<State>> todo) {
    State s = new State();
    s.setAccept(set.stream().anyMatch(State::isAccept));
    made.put(set, s);
    todo.add(set);
    created(made.size());
    return s;
  }

  /** Characters lo..hi lead from a set of states to {@code targets}. */
  private record Step(int lo, int hi, Set<State> targets) {}

  /** The set's outgoing transitions cut into maximal intervals with one target set each. */
  private static List<Step> steps(Set<State> set) {
    List<int[]> edges = new ArrayList<>(); // {position, +1 enter / -1 leave, index of dest}
    List<State> dests = new ArrayList<>();
    for (State s : set) {
      for (Transition t : s.getTransitions()) {
        dests.add(t.getDest());
        edges.add(new int[] {t.getMin(), 1, dests.size() - 1});
        edges.add(new int[] {t.getMax() + 1, -1, dests.size() - 1});
      }
    }
    edges.sort(Comparator.comparingInt(e -> e[0]));
    Map<State, Integer> active = new HashMap<>();
    List<Step> steps = new ArrayList<>();
    int i = 0;
    while (i < edges.size()) {
      int at = edges.get(i)[0];
      for (; i < edges.size() && edges.get(i)[0] == at; i++) {
        int[] e = edges.get(i);
        active.merge(dests.get(e[2]), e[1], (x, y) -> x + y == 0 ? null : x + y);
      }
      if (!active.isEmpty() && i < edges.size()) {
        steps.add(new Step(at, edges.get(i)[0] - 1, new HashSet<>(active.keySet())));
      }
    }
    return steps;
  }

  /** The intersection of two languages (product construction over the reachable pairs). */
  Automaton intersection(Automaton a, Automaton b) {
    record Pair(State a, State b) {}
    Map<Pair, State> made = new HashMap<>();
    Deque<Pair> todo = new ArrayDeque<>();
    Pair start = new Pair(a.getInitialState(), b.getInitialState());
    State initial = new State();
    initial.setAccept(start.a().isAccept() && start.b().isAccept());
    made.put(start, initial);
    todo.add(start);
    while (!todo.isEmpty()) {
      Pair p = todo.poll();
      State from = made.get(p);
      Transition[] ts = sorted(p.b());
      for (Transition ta : p.a().getTransitions()) {
        for (Transition tb : ts) {
          if (tb.getMin() > ta.getMax()) {
            break;
          }
          if (tb.getMax() < ta.getMin()) {
            continue;
          }
          Pair next = new Pair(ta.getDest(), tb.getDest());
          State to = made.get(next);
          if (to == null) {
            to = new State();
            to.setAccept(next.a().isAccept() && next.b().isAccept());
            made.put(next, to);
            todo.add(next);
            created(made.size());
          }
          from.addTransition(
              new Transition(
                  (char) Math.max(ta.getMin(), tb.getMin()),
                  (char) Math.min(ta.getMax(), tb.getMax()),
                  to));
        }
      }
    }
    Automaton c = new Automaton();
    c.setInitialState(initial);
    c.setDeterministic(a.isDeterministic() && b.isDeterministic());
    c.removeDeadTransitions();
    return c;
  }

  private static Transition[] sorted(State s) {
    Transition[] ts = s.getTransitions().toArray(Transition[]::new);
    Arrays.sort(ts, Comparator.comparingInt(Transition::getMin));
    return ts;
  }

  /** The values of {@code a} that {@code b} does not take. */
  Automaton minus(Automaton a, Automaton b) {
    return intersection(a, determinize(b).complement());
  }
}

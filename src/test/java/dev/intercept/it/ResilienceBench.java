package dev.intercept.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Issue 6's timelines, by running ResilienceIT's scenarios (real processes) several times and
 * taking medians, then a minute of churn. Run by `make bench`.
 */
public final class ResilienceBench {
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    long churnSeconds = args.length > 1 ? Long.parseLong(args[1]) : 60;
    Map<String, List<Long>> all = new TreeMap<>();
    for (int i = 0; i < runs; i++) {
      ResilienceIT.TIMINGS.clear();
      ResilienceIT t = new ResilienceIT();
      try {
        t.aKilledClientFailsOpenAtOnceAndItsLeaseFreesNameAndPort();
      } finally {
        t.stopAll();
      }
      t = new ResilienceIT();
      try {
        t.aRestartedProxyIsHealedWithoutAnybodyDoingAnything();
      } finally {
        t.stopAll();
      }
      t = new ResilienceIT();
      try {
        t.aSleepingLaptopFailsOpenWithinTheDefaultsBoundAndOnWakeComesBackByItself();
      } finally {
        t.stopAll();
      }
      ResilienceIT.TIMINGS.forEach((k, v) -> all.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    }
    System.out.println("| timeline | median (ms) | runs (ms) |");
    System.out.println("| --- | --- | --- |");
    all.forEach(
        (k, v) -> {
          List<Long> s = new ArrayList<>(v);
          s.sort(null);
          System.out.printf("| %s | %d | %s |%n", k, s.get(s.size() / 2), v);
        });
    System.out.println();
    Churn.main(new String[] {Long.toString(churnSeconds)});
  }
}

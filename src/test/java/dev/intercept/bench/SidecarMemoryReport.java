package dev.intercept.bench;

import dev.intercept.bench.SidecarMemoryBench.Sidecar;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@link SidecarMemoryBench}'s figures as markdown tables, for docs/benchmarks.md. */
record SidecarMemoryReport(int load, int rounds, int seconds, int connections) {

  void print(
      List<Sidecar> sidecars,
      Map<Sidecar, Double> idle,
      Map<Sidecar, Double> rss,
      Map<Sidecar, double[]> anonFile,
      Map<Sidecar, Wrk> minute,
      Map<Sidecar, Map<String, Long>> nmt,
      Map<String, List<Wrk>> side,
      Map<String, List<Double>> ready) {
    System.out.printf(
        Locale.ROOT,
        "wrk -t2 -c%d, %d s per sidecar, /foo/bar through the sidecar (an intercept on :path"
            + " .*ark3.* active) to one nginx worker answering \"app\\n\"; %d cores, %s.%n%n",
        connections,
        load,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    System.out.println(
        "| sidecar | NMT | RSS idle (MB) | RSS after the load (MB) | of which anon | of which"
            + " file | requests/s during it | errors |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (Sidecar s : sidecars) {
      Wrk w = minute.get(s);
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %.0f | %.1f | %.1f | %.1f | %.0f | %d |%n",
          s.way().name(),
          s.nmt() ? "on" : "off",
          idle.get(s),
          rss.get(s),
          anonFile.get(s)[0],
          anonFile.get(s)[1],
          w.requestsPerSecond(),
          w.errors());
    }
    printNmt(new ArrayList<>(nmt.keySet()), nmt, rss);
    System.out.printf(
        Locale.ROOT,
        "%nThroughput, side by side: %d alternated rounds of %d s (after the load above);"
            + " medians.%n%n",
        rounds,
        seconds);
    System.out.println("| sidecar | requests/s | p50 (ms) | p99 (ms) | requests/s of the runs |");
    System.out.println("| --- | --- | --- | --- | --- |");
    side.forEach(
        (name, ws) ->
            System.out.printf(
                Locale.ROOT,
                "| %s | %.0f | %.2f | %.2f | %s |%n",
                name,
                DataPlaneBench.median(ws.stream().map(Wrk::requestsPerSecond).toList()),
                DataPlaneBench.median(ws.stream().map(Wrk::p50Ms).toList()),
                DataPlaneBench.median(ws.stream().map(Wrk::p99Ms).toList()),
                String.join(
                    ", ",
                    ws.stream()
                        .map(w -> String.format(Locale.ROOT, "%.0f", w.requestsPerSecond()))
                        .toList())));
    System.out.println(
        "\nJVM start to ready (spawn to \"connected to the proxy\": listening, route watcher"
            + " connected), median of the starts:\n");
    System.out.println("| sidecar | seconds | starts |");
    System.out.println("| --- | --- | --- |");
    ready.forEach(
        (name, xs) ->
            System.out.printf(
                Locale.ROOT,
                "| %s | %.2f | %s |%n",
                name,
                DataPlaneBench.median(xs),
                String.join(
                    ", ", xs.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList())));
  }

  private static void printNmt(
      List<Sidecar> tracked, Map<Sidecar, Map<String, Long>> nmt, Map<Sidecar, Double> rss) {
    if (tracked.isEmpty()) {
      return;
    }
    System.out.println(
        "\nNative Memory Tracking after the load (committed MB; the twins with NMT on):\n");
    StringBuilder head = new StringBuilder("| category |");
    StringBuilder rule = new StringBuilder("| --- |");
    for (Sidecar s : tracked) {
      head.append(' ').append(s.way().name()).append(" |");
      rule.append(" --- |");
    }
    System.out.println(head);
    System.out.println(rule);
    List<Map<String, Long>> summaries = tracked.stream().map(nmt::get).toList();
    for (String row : Nmt.rows(summaries)) {
      StringBuilder line = new StringBuilder("| ").append(row).append(" |");
      for (Map<String, Long> s : summaries) {
        line.append(String.format(Locale.ROOT, " %.1f |", s.getOrDefault(row, 0L) / 1024.0));
      }
      System.out.println(line);
    }
    StringBuilder line = new StringBuilder("| RSS (VmRSS) |");
    for (Sidecar s : tracked) {
      line.append(String.format(Locale.ROOT, " %.1f |", rss.get(s)));
    }
    System.out.println(line);
  }
}

package dev.intercept.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Native Memory Tracking of a JVM started with {@code -XX:NativeMemoryTracking=summary}: {@code
 * jcmd PID VM.native_memory summary}, read into committed KB per category (and "Total").
 */
final class Nmt {
  private static final Pattern CATEGORY =
      Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)", Pattern.MULTILINE);
  private static final Pattern TOTAL =
      Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB", Pattern.MULTILINE);

  private Nmt() {}

  /** Committed KB per category, in jcmd's order, "Total" first. */
  static Map<String, Long> committedKb(long pid) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.native_memory", "summary")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("jcmd failed for " + pid + ":\n" + out);
    }
    return parse(out);
  }

  static Map<String, Long> parse(String out) throws IOException {
    Map<String, Long> kb = new LinkedHashMap<>();
    Matcher total = TOTAL.matcher(out);
    if (!total.find()) {
      throw new IOException("no NMT summary (was -XX:NativeMemoryTracking=summary set?):\n" + out);
    }
    kb.put("Total", Long.parseLong(total.group(2)));
    Matcher m = CATEGORY.matcher(out);
    while (m.find()) {
      kb.put(m.group(1).trim(), Long.parseLong(m.group(3)));
    }
    return kb;
  }

  /** The categories that matter in any of the summaries (≥ 1 MB committed), "Total" first. */
  static List<String> rows(List<Map<String, Long>> summaries) {
    Map<String, Long> max = new LinkedHashMap<>();
    for (Map<String, Long> s : summaries) {
      s.forEach((k, v) -> max.merge(k, v, Math::max));
    }
    return max.entrySet().stream()
        .filter(e -> e.getValue() >= 1024 || e.getKey().equals("Total"))
        .map(Map.Entry::getKey)
        .toList();
  }
}

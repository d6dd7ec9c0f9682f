package dev.intercept.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** CPU time and resident memory of processes, from /proc (Linux). */
final class ProcStat {
  /** USER_HZ: /proc's clock ticks per second (100 on Linux/x86 and arm64). */
  private static final double TICKS_PER_SECOND = 100.0;

  private ProcStat() {}

  /** utime + stime of the processes, in seconds (all threads of each). */
  static double cpuSeconds(List<Long> pids) throws IOException {
    long ticks = 0;
    for (long pid : pids) {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // fields after the command (which may hold spaces) start after the last ')'
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
    }
    return ticks / TICKS_PER_SECOND;
  }

  /** VmRSS in MB (of one process). */
  static double rssMb(long pid) throws IOException {
    return statusMb(pid, "VmRSS");
  }

  /**
   * A size from /proc/PID/status in MB: VmRSS, or its parts RssAnon (private memory: heap,
   * metaspace, malloc, a relocated CDS archive) and RssFile (mapped files: libjvm.so's code, clean
   * archive pages, which the kernel can drop and share between processes).
   */
  static double statusMb(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    throw new IOException("no " + field + " for " + pid);
  }

  /** A process and its children (nginx's master and workers). */
  static List<Long> withChildren(long pid) throws IOException {
    List<Long> out = new ArrayList<>(List.of(pid));
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : tasks.toList()) {
        Path children = t.resolve("children");
        if (Files.exists(children)) {
          for (String c : Files.readString(children).trim().split(" ")) {
            if (!c.isEmpty()) {
              out.add(Long.parseLong(c));
            }
          }
        }
      }
    }
    return out;
  }
}

package dev.intercept.proxy;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * How many route long-polls this process may hold at once. Each holds one file descriptor and some
 * heap, so the limit follows from the open-file limit (less the descriptors already open and a
 * reserve kept for API calls, SSH tunnels and cluster traffic, so those always get through) and
 * from the heap. Past it a poll is refused with 503 and its connection closed: the process never
 * reaches the file limit, where accept fails and every caller, API included, would hang.
 */
record PollCapacity(
    long fileLimit,
    long filesOpen,
    long reserve,
    long byFiles,
    long byHeap,
    int limit,
    String why) {

  /**
   * Heap one waiting poll is counted for: the ~2.9 KB measured live per idle poll (its connection
   * and the {@link PollGate} holding it; docs/benchmarks.md "Scale") and room for its answer in
   * flight. At the JVM's default heap in the shipped pod (a quarter of 512 MiB) that is 16,384.
   */
  static final long HEAP_PER_POLL = 4 * 1024;

  /** Part of the heap long-polls may fill; the rest is the registry, the API and garbage. */
  static final double HEAP_SHARE = 0.5;

  /** Used when the platform does not say (not a Unix JVM): no file limit known. */
  static final long UNKNOWN = -1;

  /**
   * The limit for this process: {@code override} when positive, else derived; {@code reserveSet} 0
   * = max(256, a tenth of the file limit).
   */
  static PollCapacity of(int override, int reserveSet) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    long limit = UNKNOWN;
    long open = UNKNOWN;
    if (os instanceof UnixOperatingSystemMXBean unix) {
      limit = unix.getMaxFileDescriptorCount();
      open = unix.getOpenFileDescriptorCount();
    }
    return derive(limit, open, Runtime.getRuntime().maxMemory(), override, reserveSet);
  }

  static PollCapacity derive(
      long fileLimit, long filesOpen, long maxHeap, int override, int reserveSet) {
    long reserve = reserveSet > 0 ? reserveSet : fileLimit > 0 ? Math.max(256, fileLimit / 10) : 0;
    long byFiles =
        fileLimit > 0 ? Math.max(0, fileLimit - Math.max(0, filesOpen) - reserve) : Long.MAX_VALUE;
    long byHeap = (long) (maxHeap * HEAP_SHARE) / HEAP_PER_POLL;
    if (override > 0) {
      String why = "max-waiters";
      if (override > byFiles) {
        why += ", above the " + byFiles + " the open-file limit leaves: polls may exhaust it";
      }
      return new PollCapacity(fileLimit, filesOpen, reserve, byFiles, byHeap, override, why);
    }
    long derived = Math.min(Math.min(byFiles, byHeap), 1_000_000);
    String why = byFiles <= byHeap ? "open-file limit" : "heap";
    return new PollCapacity(
        fileLimit, filesOpen, reserve, byFiles, byHeap, (int) Math.max(1, derived), why);
  }

  /** The one log line at start. */
  String describe() {
    return "route long-polls: at most "
        + limit
        + " ("
        + why
        + "); open-file limit "
        + (fileLimit > 0 ? fileLimit : "unknown")
        + ", open at start "
        + filesOpen
        + ", reserve "
        + reserve
        + ", by files "
        + (byFiles == Long.MAX_VALUE ? "unbounded" : byFiles)
        + ", by heap "
        + byHeap;
  }
}

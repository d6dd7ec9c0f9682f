package dev.intercept.client;

import java.lang.management.ManagementFactory;

/**
 * With INTERCEPT_TIMING=1, prints to stderr how long after JVM start each phase of the client's
 * start-up ended: what docs/benchmarks.md's activation breakdown is read from.
 */
public final class StartupTiming {
  private static final boolean ON = "1".equals(System.getenv("INTERCEPT_TIMING"));

  private StartupTiming() {}

  public static void mark(String phase) {
    if (ON) {
      // JMX is loaded only when timing is asked for: it costs start-up time itself
      long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
      System.err.println("timing: " + uptime + " ms " + phase);
    }
  }
}

package dev.intercept.cli;

import sun.misc.Signal;

/** Ctrl-C and SIGTERM handlers for the client, which must clean up and say which one it was. */
final class Signals {
  private Signals() {}

  static void onInterrupt(Runnable r) {
    handle("INT", r);
  }

  static void onTerminate(Runnable r) {
    handle("TERM", r);
  }

  private static void handle(String name, Runnable r) {
    try {
      Signal.handle(new Signal(name), s -> r.run());
    } catch (IllegalArgumentException e) {
      // the platform refuses: the JVM's own shutdown then applies
    }
  }
}

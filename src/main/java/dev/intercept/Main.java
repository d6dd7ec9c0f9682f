package dev.intercept;

import dev.intercept.cli.Cli;

/**
 * Entry point of the one jar: {@code java -jar intercept.jar --role=proxy|sidecar|client|echo ...}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code = Cli.run(args);
    if (code != Cli.KEEP_RUNNING) {
      System.exit(code);
    }
  }
}

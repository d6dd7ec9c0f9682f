package dev.intercept;

import dev.intercept.cli.Cli;
import dev.intercept.cli.FatalErrors;

/**
 * Entry point of the one jar: {@code java -jar intercept.jar --role=proxy|sidecar|client|echo ...}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // first: an OutOfMemoryError from here on ends the process (exit 3), so that it is restarted
    FatalErrors.install();
    int code = Cli.run(args);
    if (code != Cli.KEEP_RUNNING) {
      System.exit(code);
    }
  }
}

package dev.intercept.client;

/** A failure the CLI reports as one line and a non-zero exit. */
public class UserError extends RuntimeException {
  private final int exitCode;

  public UserError(String message) {
    this(message, 1);
  }

  public UserError(String message, int exitCode) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}

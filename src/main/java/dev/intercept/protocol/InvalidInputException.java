package dev.intercept.protocol;

/** Input a user can fix: the message is shown as is (API 4xx body, CLI one-liner). */
public class InvalidInputException extends RuntimeException {
  private final int status;

  public InvalidInputException(String message) {
    this(400, message);
  }

  public InvalidInputException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}

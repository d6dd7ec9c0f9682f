package dev.intercept.protocol;

/** Input a user can fix: the message is shown as is (API 400 body, CLI one-liner). */
public final class InvalidInputException extends ApiFailure {
  public InvalidInputException(String message) {
    super(400, "invalid", message);
  }
}

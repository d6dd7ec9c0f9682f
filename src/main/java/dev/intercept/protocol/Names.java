package dev.intercept.protocol;

import java.util.regex.Pattern;

/** Names of apps and intercepts: Kubernetes DNS labels (DESIGN.md). */
public final class Names {
  /** A DNS label: 1 to 63 characters. */
  public static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /** What {@link #LABEL} accepts, in words. */
  public static final String RULE =
      "at most 63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit";

  private Names() {}

  public static String check(String what, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException(what + " is missing");
    }
    if (!LABEL.matcher(value).matches()) {
      throw new InvalidInputException(what + " '" + value + "' must be " + RULE);
    }
    return value;
  }
}

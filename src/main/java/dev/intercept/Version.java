package dev.intercept;

/** The one place the release is named: the CLI's --version, the proxy's whoami, image tags. */
public final class Version {
  /** "intercept 0.1.0". */
  public static final String NAME = "intercept 0.1.0";

  private Version() {}
}

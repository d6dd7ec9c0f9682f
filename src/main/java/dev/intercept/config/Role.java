package dev.intercept.config;

/** The four roles of the one jar. */
public enum Role {
  PROXY,
  SIDECAR,
  CLIENT,
  ECHO;

  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}

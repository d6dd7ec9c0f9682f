package dev.intercept.config;

import java.util.Locale;

/** The four roles of the one jar. */
public enum Role {
  PROXY,
  SIDECAR,
  CLIENT,
  ECHO;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}

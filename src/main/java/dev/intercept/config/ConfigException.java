package dev.intercept.config;

/** A configuration value that cannot be used; the message names the key and what to fix. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}

package dev.intercept.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A role's configuration: every setting of the role, validated against its declaration when the
 * configuration is built (so a bad value stops the role before anything starts) and typed.
 */
public final class Config {
  /** A setting's text and where it came from ("--api-port", "INTERCEPT_API_PORT", a file). */
  public record Source(String text, String origin) {}

  private final Role role;
  private final Map<ConfigKey<?>, Object> values;

  private Config(Role role, Map<ConfigKey<?>, Object> values) {
    this.role = role;
    this.values = values;
  }

  /**
   * Validates {@code given} (the merged layers; absent = the default) for every setting of the
   * role; throws {@link ConfigException} naming the first bad one and what it accepts.
   */
  public static Config of(Role role, Map<ConfigKey<?>, Source> given) {
    Map<ConfigKey<?>, Object> values = new LinkedHashMap<>();
    for (ConfigKey<?> k : ConfigKey.of(role)) {
      values.put(k, value(k, given.get(k)));
    }
    return new Config(role, values);
  }

  /** A configuration from values a program sets (tests, embedding), checked the same way. */
  public static Config of(Role role, Map<ConfigKey<?>, ?> set, String origin) {
    Map<ConfigKey<?>, Source> given = new LinkedHashMap<>();
    set.forEach((k, v) -> given.put(k, new Source(text(v), origin)));
    return of(role, given);
  }

  /** The text form of a value given as an object: lists are comma-joined. */
  public static String text(Object v) {
    if (v instanceof List<?> list) {
      StringJoiner j = new StringJoiner(",");
      list.forEach(item -> j.add(String.valueOf(item)));
      return j.toString();
    }
    return String.valueOf(v);
  }

  private static Object value(ConfigKey<?> k, Source s) {
    String text = s == null ? null : s.text().trim();
    if (text == null || (text.isEmpty() && k.required())) {
      if (k.required()) {
        throw new ConfigException(
            k.key()
                + " is required (set "
                + (k.alias() != null ? k.alias() + " or " : "")
                + k.flag()
                + ")");
      }
      return k.defaultValue();
    }
    try {
      return k.type().parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          k.key()
              + " must be "
              + k.type().accepts()
              + ", got '"
              + text
              + "'"
              + (s.origin().equals(k.flag()) ? "" : " (from " + s.origin() + ")"));
    }
  }

  public Role role() {
    return role;
  }

  /** The setting's value; asking for a setting of another role is a programming error. */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> k) {
    if (!values.containsKey(k)) {
      throw new IllegalArgumentException(k.key() + " is not a setting of the " + role.id());
    }
    return (T) values.get(k);
  }

  /** One line for the start-up log: every setting of this role and its value. */
  public String describe() {
    StringJoiner j = new StringJoiner(", ", "{", "}");
    values.entrySet().stream()
        .sorted(Map.Entry.comparingByKey((a, b) -> a.key().compareTo(b.key())))
        .forEach(e -> j.add(e.getKey().key() + "=" + e.getKey().type().render(e.getValue())));
    return j.toString();
  }
}

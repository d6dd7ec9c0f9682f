package dev.intercept.config;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** A role's merged configuration with typed, validated getters; read once per role. */
public final class Config {
  private final Role role;
  private final JsonObject values;

  public Config(Role role, JsonObject values) {
    this.role = role;
    this.values = values;
  }

  public Role role() {
    return role;
  }

  public String string(ConfigKey k) {
    Object v = values.getValue(k.key());
    return v == null ? null : v.toString().trim();
  }

  public String required(ConfigKey k) {
    String v = string(k);
    if (v == null || v.isEmpty()) {
      throw new ConfigException(
          k.key()
              + " is required"
              + (k.alias() != null
                  ? " (set " + k.alias() + " or --" + k.key() + ")"
                  : " (--" + k.key() + ")"));
    }
    return v;
  }

  public int integer(ConfigKey k, int min, int max) {
    String v = required(k);
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ConfigException(k.key() + " must be a whole number, got '" + v + "'");
    }
    if (n < min || n > max) {
      throw new ConfigException(k.key() + " must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  public boolean bool(ConfigKey k) {
    String v = required(k);
    if (!v.equals("true") && !v.equals("false")) {
      throw new ConfigException(k.key() + " must be true or false, got '" + v + "'");
    }
    return Boolean.parseBoolean(v);
  }

  public int port(ConfigKey k) {
    return integer(k, 0, 65535);
  }

  /** "9000-9015" or "9000,9001,9005-9007". */
  public List<Integer> portList(ConfigKey k) {
    String v = required(k);
    List<Integer> ports = new ArrayList<>();
    try {
      for (String part : v.split(",")) {
        String p = part.trim();
        int dash = p.indexOf('-');
        int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
        int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).trim());
        if (from < 1 || to > 65535 || from > to) {
          throw new NumberFormatException();
        }
        for (int port = from; port <= to; port++) {
          if (!ports.contains(port)) {
            ports.add(port);
          }
        }
      }
    } catch (NumberFormatException e) {
      throw new ConfigException(
          k.key() + " must be ports 1-65535 as 'FROM-TO' or a comma list, got '" + v + "'");
    }
    return List.copyOf(ports);
  }

  public List<String> list(ConfigKey k) {
    List<String> out = new ArrayList<>();
    for (String s : required(k).split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  /** A comma-separated list of http://HOST[:PORT][/PATH] URLs. */
  public List<java.net.URI> httpUrls(ConfigKey k) {
    List<java.net.URI> out = new ArrayList<>();
    for (String s : list(k)) {
      try {
        java.net.URI u = new java.net.URI(s);
        if (!"http".equals(u.getScheme()) || u.getHost() == null) {
          throw new IllegalArgumentException();
        }
        out.add(u);
      } catch (Exception e) {
        throw new ConfigException(k.key() + " '" + s + "' is not an http://HOST[:PORT] URL");
      }
    }
    return out;
  }

  /** One line for the start-up log: every key of this role and its value. */
  public String describe() {
    TreeMap<String, Object> sorted = new TreeMap<>();
    for (ConfigKey k : ConfigKey.values()) {
      if (k.roles().contains(role)) {
        sorted.put(k.key(), values.getValue(k.key()));
      }
    }
    return sorted.toString();
  }
}

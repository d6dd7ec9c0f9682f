package dev.intercept.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What a setting accepts: how its text (flag, environment, file, system property) becomes a typed
 * value, and how that is said to a user ({@link #accepts()}, in errors, --help and the docs).
 */
public final class ValueType<T> {
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%\\[\\]-]+");

  private final String label;
  private final String accepts;
  private final Function<String, T> parse;
  private final Function<T, String> render;
  private final boolean flag;

  private ValueType(
      String label,
      String accepts,
      Function<String, T> parse,
      Function<T, String> render,
      boolean flag) {
    this.label = label;
    this.accepts = accepts;
    this.parse = parse;
    this.render = render;
    this.flag = flag;
  }

  private static <T> ValueType<T> of(String label, String accepts, Function<String, T> parse) {
    return new ValueType<>(label, accepts, parse, String::valueOf, false);
  }

  /** Any text, empty included. */
  public static ValueType<String> text(String label) {
    return of(label, "any text", s -> s);
  }

  /** A secret (a token, a password): any text, never shown in logs or --help. */
  public static ValueType<String> secret(String label) {
    return new ValueType<>(label, "any text", s -> s, v -> v.isEmpty() ? "" : "(secret)", false);
  }

  /** A host name or IP address; with {@code emptyAllowed} also empty (meaning "not set"). */
  public static ValueType<String> host(boolean emptyAllowed) {
    return of(
        "HOST",
        emptyAllowed ? "a host name or IP address, or empty" : "a host name or IP address",
        s -> {
          if (s.isEmpty() ? !emptyAllowed : !HOST.matcher(s).matches()) {
            throw new IllegalArgumentException();
          }
          return s;
        });
  }

  /** A file or directory path; with {@code emptyAllowed} also empty (meaning "none"). */
  public static ValueType<String> path(String label, boolean emptyAllowed) {
    return of(
        label,
        emptyAllowed ? "a path, or empty" : "a path",
        s -> {
          if (s.isEmpty() && !emptyAllowed) {
            throw new IllegalArgumentException();
          }
          return s;
        });
  }

  /** Text that matches {@code pattern} as a whole; with {@code emptyAllowed} also empty. */
  public static ValueType<String> matching(
      String label, String accepts, Pattern pattern, boolean emptyAllowed) {
    return of(
        label,
        emptyAllowed ? accepts + ", or empty" : accepts,
        s -> {
          if (s.isEmpty() ? !emptyAllowed : !pattern.matcher(s).matches()) {
            throw new IllegalArgumentException();
          }
          return s;
        });
  }

  /** A whole number in [min, max]. */
  public static ValueType<Integer> integer(int min, int max) {
    return of(
        "N",
        "a whole number from " + min + " to " + max,
        s -> {
          int n = Integer.parseInt(s);
          if (n < min || n > max) {
            throw new IllegalArgumentException();
          }
          return n;
        });
  }

  /** A TCP port; with {@code anyAllowed}, 0 asks for any free port. */
  public static ValueType<Integer> port(boolean anyAllowed) {
    ValueType<Integer> range = integer(anyAllowed ? 0 : 1, 65535);
    return of(
        "PORT",
        anyAllowed ? "a port from 0 to 65535 (0: any free port)" : "a port from 1 to 65535",
        range.parse);
  }

  /** true or false; as a flag, the option alone means true. */
  public static ValueType<Boolean> bool() {
    return new ValueType<>(
        "true|false",
        "true or false",
        s -> {
          if (!s.equals("true") && !s.equals("false")) {
            throw new IllegalArgumentException();
          }
          return Boolean.parseBoolean(s);
        },
        String::valueOf,
        true);
  }

  /** One of the given words. */
  public static ValueType<String> choice(String... allowed) {
    Set<String> words = Set.of(allowed);
    return of(
        String.join("|", allowed),
        "one of " + String.join(", ", allowed),
        s -> {
          if (!words.contains(s)) {
            throw new IllegalArgumentException();
          }
          return s;
        });
  }

  /** A comma-separated list of words (empty items dropped). */
  public static ValueType<List<String>> list(String label) {
    return new ValueType<>(
        label + "[," + label + "...]",
        "a comma-separated list",
        ValueType::split,
        l -> String.join(",", l),
        false);
  }

  /** Ports as "FROM-TO" or a comma list of ports and ranges, e.g. "9000,9002-9005". */
  public static ValueType<List<Integer>> portRanges() {
    return new ValueType<>(
        "FROM-TO[,...]",
        "ports from 1 to 65535 as FROM-TO or a comma list of ports and ranges",
        ValueType::ports,
        ValueType::ranges,
        false);
  }

  /** A comma-separated list of http://HOST[:PORT][/PATH] URLs. */
  public static ValueType<List<URI>> httpUrls() {
    return new ValueType<>(
        "URL[,URL...]",
        "http://HOST[:PORT] URLs, comma-separated",
        s -> {
          List<URI> out = new ArrayList<>();
          for (String item : split(s)) {
            out.add(httpUrl(item));
          }
          if (out.isEmpty()) {
            throw new IllegalArgumentException();
          }
          return List.copyOf(out);
        },
        l -> String.join(",", l.stream().map(URI::toString).toList()),
        false);
  }

  /** As {@link #httpUrls()}, or empty (an empty list: "not given"). */
  public static ValueType<List<URI>> optionalHttpUrls() {
    ValueType<List<URI>> some = httpUrls();
    return new ValueType<>(
        some.label,
        some.accepts + ", or empty",
        s -> s.isBlank() ? List.of() : some.parse(s),
        some.render,
        false);
  }

  private static URI httpUrl(String s) {
    try {
      URI u = new URI(s);
      if (!"http".equals(u.getScheme()) || u.getHost() == null) {
        throw new IllegalArgumentException();
      }
      return u;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    for (String item : s.split(",")) {
      if (!item.isBlank()) {
        out.add(item.trim());
      }
    }
    return List.copyOf(out);
  }

  private static List<Integer> ports(String s) {
    Set<Integer> ports = new LinkedHashSet<>();
    for (String part : split(s)) {
      int dash = part.indexOf('-');
      int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash).trim());
      int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1).trim());
      if (from < 1 || to > 65535 || from > to) {
        throw new IllegalArgumentException();
      }
      for (int p = from; p <= to; p++) {
        ports.add(p);
      }
    }
    if (ports.isEmpty()) {
      throw new IllegalArgumentException();
    }
    return List.copyOf(ports);
  }

  /** The short form of a port list: "9000-9015,9020". */
  public static String ranges(List<Integer> ports) {
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (i < ports.size()) {
      int j = i;
      while (j + 1 < ports.size() && ports.get(j + 1) == ports.get(j) + 1) {
        j++;
      }
      b.append(b.length() == 0 ? "" : ",").append(ports.get(i));
      if (j > i) {
        b.append('-').append(ports.get(j));
      }
      i = j + 1;
    }
    return b.toString();
  }

  /** The typed value, or {@link IllegalArgumentException} when the text is not accepted. */
  public T parse(String text) {
    return parse.apply(text);
  }

  String render(Object value) {
    @SuppressWarnings("unchecked")
    T t = (T) value;
    return render.apply(t);
  }

  /** What a value must be, completing "KEY must be ...". */
  public String accepts() {
    return accepts;
  }

  /** The value's placeholder in --help. */
  public String label() {
    return label;
  }

  /** A switch: on the command line the option alone means true. */
  public boolean isFlag() {
    return flag;
  }
}

package dev.intercept.protocol;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.intercept.policy.RegexBudget;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One header condition of an intercept: the header's value must fully match the RE2 regex. Header
 * names are stored lower-cased; pseudo-headers follow Envoy.
 */
public record Matcher(String header, String regex) {

  public static final Set<String> PSEUDO_HEADERS =
      Set.of(":path", ":method", ":authority", ":scheme");
  private static final int MAX_REGEX_LENGTH = 1024;

  /** Validates and normalises; throws {@link InvalidInputException} with a reason. */
  public static Matcher of(String header, String regex) {
    if (header == null || header.isEmpty()) {
      throw new InvalidInputException("matcher header is missing");
    }
    String name = headerName(header);
    compile(regex);
    return new Matcher(name, regex);
  }

  /**
   * A header name as matching sees it (lower-cased): a token or a supported pseudo-header; throws
   * {@link InvalidInputException} with a reason otherwise.
   */
  public static String headerName(String header) {
    String name = header.toLowerCase(Locale.ROOT);
    if (name.startsWith(":")) {
      if (!PSEUDO_HEADERS.contains(name)) {
        throw new InvalidInputException(
            "unknown pseudo-header '"
                + header
                + "' (supported: :path, :method, :authority, :scheme)");
      }
    } else if (!isToken(name)) {
      throw new InvalidInputException("'" + header + "' is not a valid HTTP header name");
    }
    return name;
  }

  /**
   * Compiles with RE2/J, so a regex Envoy's safe_regex would refuse is refused here too. RE2's own
   * limits are checked first: RE2/J would expand {@code ((a{100}){100}){100}} a million times. The
   * program-size limit is the caller's (see RegexBudget); none is applied here.
   */
  public static Pattern compile(String regex) {
    return compile(regex, RegexBudget.NO_LIMIT);
  }

  /**
   * {@link #compile(String)}, refusing a regex whose RE2 program is over {@code maxProgramSize}.
   */
  public static Pattern compile(String regex, int maxProgramSize) {
    if (regex == null) {
      throw new InvalidInputException("matcher regex is missing");
    }
    if (regex.length() > MAX_REGEX_LENGTH) {
      throw new InvalidInputException("regex is longer than " + MAX_REGEX_LENGTH + " characters");
    }
    RegexBudget.programSize(regex, maxProgramSize);
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new InvalidInputException(
          "invalid RE2 regex '"
              + regex
              + "': "
              + e.getDescription()
              + (e.getDescription().contains("invalid or unsupported Perl syntax")
                      || e.getDescription().contains("escape")
                  ? " (RE2 has no backreferences or lookaround)"
                  : ""));
    }
  }

  static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  public JsonObject toJson() {
    return new JsonObject().put("header", header).put("regex", regex);
  }

  /** A list of matchers as the API writes it. */
  public static JsonArray toJson(List<Matcher> matchers) {
    JsonArray a = new JsonArray();
    matchers.forEach(m -> a.add(m.toJson()));
    return a;
  }

  /**
   * Matchers as stored or sent by the proxy (the registration validated them): read, not validated
   * or compiled again here; whoever matches with them compiles each (and a sidecar drops a route it
   * cannot compile, alone).
   */
  public static List<Matcher> stored(JsonArray array) {
    return array.stream()
        .map(
            o -> {
              JsonObject j = (JsonObject) o;
              return new Matcher(
                  j.getString("header").toLowerCase(Locale.ROOT), j.getString("regex"));
            })
        .toList();
  }

  public static Matcher fromJson(Object o) {
    if (!(o instanceof JsonObject json)) {
      throw new InvalidInputException(
          "each matcher must be an object {\"header\": ..., \"regex\": ...}");
    }
    for (String field : json.fieldNames()) {
      if (!field.equals("header") && !field.equals("regex")) {
        throw new InvalidInputException("unknown field '" + field + "' in matcher");
      }
    }
    Object header = json.getValue("header");
    Object regex = json.getValue("regex");
    if (!(header instanceof String) || !(regex instanceof String)) {
      throw new InvalidInputException("matcher needs string fields 'header' and 'regex'");
    }
    return of((String) header, (String) regex);
  }

  @Override
  public String toString() {
    return header + ": " + regex;
  }
}

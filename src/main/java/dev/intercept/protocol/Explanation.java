package dev.intercept.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The proxy's answer to "where would this request go?" ({@code explain}): the request as matched,
 * the intercept that takes it (null: the app's pods), and a verdict for every intercept of the app
 * in the order the data plane tries them.
 */
public record Explanation(
    String app, Map<String, String> request, String takenBy, List<Verdict> verdicts) {

  /** What one intercept does with the request. */
  public enum Outcome {
    /** Every matcher matches and its tunnel is up: it takes the request. */
    TAKES("takes it"),
    /** Every matcher matches, but an intercept tried before it takes the request. */
    SHADOWED("matches too, but an earlier intercept takes it"),
    /** Every matcher matches, but its tunnel is down: not routed (fail open to the app). */
    TUNNEL_DOWN("matches, but its tunnel is down, so it is not routed"),
    /** A matcher fails: {@link Verdict#failed} names the first. */
    NO_MATCH("does not match");

    private final String text;

    Outcome(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /**
   * One intercept's verdict. {@code failed} is its first failing matcher and {@code value} what the
   * request carries under that header (null: absent), both null unless {@link Outcome#NO_MATCH}.
   */
  public record Verdict(
      int order, String name, String owner, Outcome outcome, Matcher failed, String value) {

    /** Why, in one phrase. */
    public String reason() {
      if (outcome != Outcome.NO_MATCH) {
        return outcome.text();
      }
      return value == null
          ? "does not match: the request has no " + failed.header()
          : "does not match: "
              + failed.header()
              + " '"
              + value
              + "' is not a full match of "
              + failed.regex();
    }

    JsonObject toJson() {
      JsonObject j =
          new JsonObject()
              .put("order", order)
              .put("name", name)
              .put("owner", owner)
              .put("outcome", outcome.name().toLowerCase(Locale.ROOT))
              .put("reason", reason());
      if (failed != null) {
        j.put("failedMatcher", failed.toJson()).put("value", value);
      }
      return j;
    }

    static Verdict fromJson(JsonObject j) {
      JsonObject f = j.getJsonObject("failedMatcher");
      return new Verdict(
          j.getInteger("order"),
          j.getString("name"),
          j.getString("owner"),
          Outcome.valueOf(j.getString("outcome").toUpperCase(Locale.ROOT)),
          f == null ? null : new Matcher(f.getString("header"), f.getString("regex")),
          j.getString("value"));
    }
  }

  public Explanation {
    request = Collections.unmodifiableMap(new LinkedHashMap<>(request));
    verdicts = List.copyOf(verdicts);
  }

  public JsonObject toJson() {
    JsonObject req = new JsonObject();
    new TreeMap<>(request).forEach(req::put);
    JsonArray v = new JsonArray();
    verdicts.forEach(x -> v.add(x.toJson()));
    return new JsonObject()
        .put("app", app)
        .put("request", req)
        .put("target", takenBy == null ? "app" : "intercept")
        .put("intercept", takenBy)
        .put("intercepts", v);
  }

  public static Explanation fromJson(JsonObject j) {
    Map<String, String> req = new LinkedHashMap<>();
    j.getJsonObject("request").forEach(e -> req.put(e.getKey(), String.valueOf(e.getValue())));
    return new Explanation(
        j.getString("app"),
        req,
        j.getString("intercept"),
        j.getJsonArray("intercepts").stream().map(o -> Verdict.fromJson((JsonObject) o)).toList());
  }
}

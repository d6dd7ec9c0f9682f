package dev.intercept.protocol;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The body of {@code PUT /api/v1/apps/{app}/intercepts/{name}}, validated strictly. The owner is
 * not in it: it is whoever the request authenticates as.
 */
public record InterceptRequest(List<Matcher> matchers, String publicKey) {
  public static final int MAX_MATCHERS = 32;
  private static final Set<String> FIELDS = Set.of("matchers", "publicKey");

  public static InterceptRequest parse(String body) {
    JsonObject json;
    try {
      json = new JsonObject(body == null ? "" : body);
    } catch (DecodeException | ClassCastException e) {
      throw new InvalidInputException("body is not a JSON object");
    }
    for (String f : json.fieldNames()) {
      if (!FIELDS.contains(f)) {
        throw new InvalidInputException(
            "unknown field '" + f + "' (expected matchers, publicKey; the owner is who calls)");
      }
    }
    if (!(json.getValue("matchers") instanceof JsonArray array)) {
      throw new InvalidInputException("'matchers' must be a list of {\"header\", \"regex\"}");
    }
    if (array.isEmpty()) {
      throw new InvalidInputException(
          "'matchers' is empty: an intercept needs at least one header match");
    }
    if (array.size() > MAX_MATCHERS) {
      throw new InvalidInputException("at most " + MAX_MATCHERS + " matchers per intercept");
    }
    List<Matcher> matchers = new ArrayList<>();
    array.forEach(o -> matchers.add(Matcher.fromJson(o)));
    if (!(json.getValue("publicKey") instanceof String key) || key.isBlank()) {
      throw new InvalidInputException("'publicKey' (an OpenSSH public key line) is required");
    }
    return new InterceptRequest(List.copyOf(matchers), key.trim());
  }

  public JsonObject toJson() {
    return new JsonObject().put("matchers", Matcher.toJson(matchers)).put("publicKey", publicKey);
  }
}

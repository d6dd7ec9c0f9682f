package dev.intercept.protocol;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of every error answer of the API: what to fix, the failure's code, and for an overlap
 * the witness (a request, header by header, that both intercepts would take).
 */
public record ErrorAnswer(String error, String code, Map<String, String> witness) {

  public ErrorAnswer(String error, String code) {
    this(error, code, Map.of());
  }

  public static ErrorAnswer of(ApiFailure f) {
    return new ErrorAnswer(
        f.getMessage(), f.code(), f instanceof ApiFailure.Overlap o ? o.witness() : Map.of());
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("error", error);
    if (code != null) {
      j.put("code", code);
    }
    if (!witness.isEmpty()) {
      JsonObject w = new JsonObject();
      witness.forEach(w::put);
      j.put("witness", w);
    }
    return j;
  }

  /** Lenient: an answer that is not ours still gives a reason. */
  public static ErrorAnswer fromJson(String body, String fallback) {
    try {
      JsonObject j = new JsonObject(body);
      Map<String, String> witness = new LinkedHashMap<>();
      JsonObject w = j.getJsonObject("witness");
      if (w != null) {
        w.forEach(e -> witness.put(e.getKey(), String.valueOf(e.getValue())));
      }
      return new ErrorAnswer(j.getString("error", fallback), j.getString("code"), witness);
    } catch (RuntimeException e) {
      return new ErrorAnswer(fallback, null);
    }
  }
}

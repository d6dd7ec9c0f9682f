package dev.intercept.protocol;

import io.vertx.core.json.JsonObject;

/** The body of every error answer of the API: what to fix, and the failure's code. */
public record ErrorAnswer(String error, String code) {

  public static ErrorAnswer of(ApiFailure f) {
    return new ErrorAnswer(f.getMessage(), f.code());
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("error", error);
    return code == null ? j : j.put("code", code);
  }

  /** Lenient: an answer that is not ours still gives a reason. */
  public static ErrorAnswer fromJson(String body, String fallback) {
    try {
      JsonObject j = new JsonObject(body);
      return new ErrorAnswer(j.getString("error", fallback), j.getString("code"));
    } catch (RuntimeException e) {
      return new ErrorAnswer(fallback, null);
    }
  }
}

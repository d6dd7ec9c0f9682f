package dev.intercept.protocol;

import io.vertx.core.json.JsonObject;

/**
 * What the data planes counted for one route (an intercept, or the app): requests, bytes each way
 * (request bodies in, response bodies out), requests that ended in an error the sidecar answered
 * (502, 503, 504), and when the last request came (ms since the epoch, 0: never).
 */
public record Hits(long requests, long bytesIn, long bytesOut, long errors, long lastAt) {
  public static final Hits NONE = new Hits(0, 0, 0, 0, 0);

  public Hits plus(Hits o) {
    return new Hits(
        requests + o.requests,
        bytesIn + o.bytesIn,
        bytesOut + o.bytesOut,
        errors + o.errors,
        Math.max(lastAt, o.lastAt));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("requests", requests)
        .put("bytesIn", bytesIn)
        .put("bytesOut", bytesOut)
        .put("errors", errors)
        .put("lastAt", lastAt);
  }

  /** Refuses negative counts (a report from a sidecar is input). */
  public static Hits fromJson(JsonObject j) {
    Hits h =
        new Hits(
            j.getLong("requests", 0L),
            j.getLong("bytesIn", 0L),
            j.getLong("bytesOut", 0L),
            j.getLong("errors", 0L),
            j.getLong("lastAt", 0L));
    if (h.requests < 0 || h.bytesIn < 0 || h.bytesOut < 0 || h.errors < 0 || h.lastAt < 0) {
      throw new InvalidInputException("counts must not be negative");
    }
    return h;
  }
}

package dev.intercept.protocol;

import io.vertx.core.json.JsonObject;

/**
 * The proxy's answer to {@code GET /api/v1/whoami}: the caller as authenticated, and which proxy
 * (release, replica) answered.
 */
public record Whoami(String user, boolean admin, boolean sidecar, String version, String replica) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("user", user)
        .put("admin", admin)
        .put("sidecar", sidecar)
        .put("version", version)
        .put("replica", replica);
  }

  public static Whoami fromJson(JsonObject j) {
    return new Whoami(
        j.getString("user"),
        j.getBoolean("admin", false),
        j.getBoolean("sidecar", false),
        j.getString("version"),
        j.getString("replica"));
  }
}

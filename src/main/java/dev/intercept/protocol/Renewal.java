package dev.intercept.protocol;

import io.vertx.core.json.JsonObject;

/** The answer to a lease renewal: the new expiry, and the tunnel's address (null while down). */
public record Renewal(long expiresAt, HostPort tunnel) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("expiresAt", expiresAt)
        .put("tunnel", tunnel == null ? null : tunnel.toJson());
  }

  public static Renewal fromJson(JsonObject j) {
    return new Renewal(j.getLong("expiresAt"), HostPort.fromJson(j.getJsonObject("tunnel")));
  }
}

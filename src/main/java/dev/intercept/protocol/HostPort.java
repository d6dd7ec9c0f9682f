package dev.intercept.protocol;

import io.vertx.core.json.JsonObject;

/** A network address as the roles exchange it: a route target, a tunnel's replica. */
public record HostPort(String host, int port) {

  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("port", port);
  }

  public static HostPort fromJson(JsonObject json) {
    return json == null ? null : new HostPort(json.getString("host"), json.getInteger("port"));
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}

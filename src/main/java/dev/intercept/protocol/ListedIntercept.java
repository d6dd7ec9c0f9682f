package dev.intercept.protocol;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * An intercept as the API shows it (the lists, and the base of a registration's answer): no key
 * material. {@code tunnel} is null while no tunnel is up.
 */
public record ListedIntercept(
    String app,
    String name,
    List<Matcher> matchers,
    int port,
    Tunnel tunnel,
    String owner,
    long createdAt,
    long expiresAt,
    Hits hits) {

  /** Where an intercept's tunnel is held: the replica's address and id. */
  public record Tunnel(String host, int port, String replica) {
    JsonObject toJson() {
      return new JsonObject().put("host", host).put("port", port).put("replica", replica);
    }

    static Tunnel fromJson(JsonObject j) {
      return j == null
          ? null
          : new Tunnel(j.getString("host"), j.getInteger("port"), j.getString("replica"));
    }
  }

  /**
   * As shown to {@code viewer}: another identity than the owner, not an admin, sees no personal id.
   */
  public ListedIntercept shownTo(Identity viewer) {
    return viewer.admin() || viewer.user().equals(owner)
        ? this
        : new ListedIntercept(
            app,
            name,
            PersonalId.hidden(matchers),
            port,
            tunnel,
            owner,
            createdAt,
            expiresAt,
            hits);
  }

  /** The same intercept with what the sidecars counted for it. */
  public ListedIntercept withHits(Hits h) {
    return new ListedIntercept(app, name, matchers, port, tunnel, owner, createdAt, expiresAt, h);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("app", app)
        .put("name", name)
        .put("matchers", Matcher.toJson(matchers))
        .put("port", port)
        .put("tunnel", tunnel == null ? null : tunnel.toJson())
        .put("owner", owner)
        .put("createdAt", createdAt)
        .put("expiresAt", expiresAt)
        .put("hits", hits == null ? null : hits.toJson());
  }

  public static ListedIntercept fromJson(JsonObject j) {
    return new ListedIntercept(
        j.getString("app"),
        j.getString("name"),
        Matcher.stored(j.getJsonArray("matchers")),
        j.getInteger("port"),
        Tunnel.fromJson(j.getJsonObject("tunnel")),
        j.getString("owner"),
        j.getLong("createdAt"),
        j.getLong("expiresAt"),
        j.getJsonObject("hits") == null ? null : Hits.fromJson(j.getJsonObject("hits")));
  }
}

package dev.intercept.protocol;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** One entry of a route table: requests matching all matchers go to target. */
public record Route(String name, List<Matcher> matchers, HostPort target) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("matchers", Matcher.toJson(matchers))
        .put("target", target.toJson());
  }

  public static Route fromJson(JsonObject j) {
    return new Route(
        j.getString("name"),
        Matcher.stored(j.getJsonArray("matchers")),
        HostPort.fromJson(j.getJsonObject("target")));
  }
}

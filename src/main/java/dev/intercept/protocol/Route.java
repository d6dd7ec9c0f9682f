package dev.intercept.protocol;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** One entry of a route table: requests matching all matchers go to target. */
public record Route(String name, List<Matcher> matchers, HostPort target) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("matchers", Intercept.matchersJson(matchers))
        .put("target", target.toJson());
  }

  public static Route fromJson(JsonObject j) {
    return new Route(
        j.getString("name"),
        j.getJsonArray("matchers").stream().map(Matcher::fromJson).toList(),
        HostPort.fromJson(j.getJsonObject("target")));
  }
}

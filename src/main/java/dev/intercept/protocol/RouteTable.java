package dev.intercept.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * An app's routes (DESIGN.md "Route table"): intercepts whose tunnel is up, in creation order; the
 * catch-all to the app is implicit and always last.
 */
public record RouteTable(String app, long version, List<Route> routes) {

  /**
   * The order the data plane tries an app's intercepts in: personal intercepts first (only their
   * developer's tagged requests match them), then by creation.
   */
  public static final Comparator<Intercept> ORDER =
      Comparator.comparing((Intercept i) -> !PersonalId.in(i.matchers()))
          .thenComparingLong(Intercept::seq);

  public static RouteTable empty(String app) {
    return new RouteTable(app, 0, List.of());
  }

  /** Builds the table from an app's intercepts: tunnel down means left out (fail open). */
  public static RouteTable of(String app, long version, List<Intercept> intercepts) {
    List<Route> routes =
        intercepts.stream()
            .filter(i -> i.app().equals(app) && i.tunnel() != null)
            .sorted(ORDER)
            .map(i -> new Route(i.name(), i.matchers(), i.tunnel()))
            .toList();
    return new RouteTable(app, version, routes);
  }

  /** The same table with only the routes {@code keep} accepts. */
  public RouteTable keepOnly(Predicate<Route> keep) {
    return new RouteTable(app, version, routes.stream().filter(keep).toList());
  }

  public JsonObject toJson() {
    JsonArray r = new JsonArray();
    routes.forEach(route -> r.add(route.toJson()));
    return new JsonObject().put("app", app).put("version", version).put("routes", r);
  }

  public static RouteTable fromJson(JsonObject j) {
    return new RouteTable(
        j.getString("app"),
        j.getLong("version"),
        j.getJsonArray("routes").stream().map(o -> Route.fromJson((JsonObject) o)).toList());
  }
}

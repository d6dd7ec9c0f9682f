package dev.intercept.sidecar;

import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.Route;
import dev.intercept.protocol.RouteTable;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the data plane routes by: the compiled table and each route's upstream, resolved once when
 * the table arrives (off the event loops: a name lookup blocks), immutable so the plane swaps it in
 * one volatile write.
 */
final class RoutePlan {
  /**
   * Where requests go; {@code key} names its connection pool (route name and target); {@code
   * counts} is what requests meant for it count to.
   */
  record Upstream(
      String key, InetSocketAddress address, boolean tunnel, RouteCounters.Counts counts) {}

  private final RouteSelector selector;
  private final Upstream app;
  private final Map<Route, Upstream> byRoute = new IdentityHashMap<>();

  /** Compiles and resolves: blocking, call it off the event loops. */
  RoutePlan(RouteSelector selector, HostPort app, RouteCounters counters) {
    this.selector = selector;
    this.app =
        new Upstream("app", new InetSocketAddress(app.host(), app.port()), false, counters.app());
    for (Route r : selector.table().routes()) {
      HostPort t = r.target();
      byRoute.put(
          r,
          new Upstream(
              r.name() + "@" + t,
              new InetSocketAddress(t.host(), t.port()),
              true,
              counters.route(r.name())));
    }
  }

  RouteSelector selector() {
    return selector;
  }

  RouteTable table() {
    return selector.table();
  }

  Upstream app() {
    return app;
  }

  /** The pool keys this plan uses: pools under any other key belong to routes gone. */
  Set<String> keys() {
    Set<String> keys = new HashSet<>();
    keys.add(app.key());
    byRoute.values().forEach(u -> keys.add(u.key()));
    return keys;
  }

  /** The first matching route's upstream, else the app. */
  Upstream select(HttpRequest request) {
    return byRoute.isEmpty() ? app : select(name -> value(request, name));
  }

  /** The same for a request read as bytes ({@link RawRequest#value}). */
  Upstream select(RawRequest request) {
    return byRoute.isEmpty() ? app : select(request::value);
  }

  private Upstream select(RouteSelector.RequestView values) {
    Route r = selector.select(values);
    return r == null ? app : byRoute.get(r);
  }

  /** Request values as Envoy matches them: pseudo-headers, then headers joined with ','. */
  static String value(HttpRequest request, String name) {
    switch (name) {
      case ":path":
        return request.uri();
      case ":method":
        return request.method().name();
      case ":scheme":
        return "http";
      case ":authority":
        return request.headers().get(HttpHeaderNames.HOST);
      default:
        {
          List<String> all = request.headers().getAll(name);
          return all.isEmpty() ? null : all.size() == 1 ? all.get(0) : String.join(",", all);
        }
    }
  }
}

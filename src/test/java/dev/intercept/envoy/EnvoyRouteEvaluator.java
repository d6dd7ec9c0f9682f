package dev.intercept.envoy;

import com.google.re2j.Pattern;
import dev.intercept.protocol.HostPort;
import dev.intercept.sidecar.RouteSelector;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the routing decision off a parsed Envoy route configuration the way Envoy's router makes it
 * for the subset of the API we generate: routes in order, {@code prefix} match, header matchers
 * with {@code string_match.safe_regex} (RE2 full match; a repeated header's values joined with ',';
 * an absent header does not match). Anything else in the config fails the test, so the generator
 * cannot drift into features this reading does not model.
 */
final class EnvoyRouteEvaluator {
  private final VirtualHost host;
  private final Map<String, HostPort> clusters = new HashMap<>();

  EnvoyRouteEvaluator(RouteConfiguration rc, List<Cluster> cs) {
    if (rc.getVirtualHostsCount() != 1
        || !rc.getVirtualHosts(0).getDomainsList().equals(List.of("*"))) {
      throw new AssertionError("one virtual host for every domain expected");
    }
    host = rc.getVirtualHosts(0);
    for (Cluster c : cs) {
      SocketAddress a =
          c.getLoadAssignment()
              .getEndpoints(0)
              .getLbEndpoints(0)
              .getEndpoint()
              .getAddress()
              .getSocketAddress();
      clusters.put(c.getName(), new HostPort(a.getAddress(), a.getPortValue()));
    }
  }

  /** The upstream Envoy sends this request to. */
  HostPort target(RouteSelector.RequestView request) {
    for (Route r : host.getRoutesList()) {
      if (matches(r, request)) {
        HostPort t = clusters.get(r.getRoute().getCluster());
        if (t == null) {
          throw new AssertionError(
              "route " + r.getName() + " names undefined cluster " + r.getRoute().getCluster());
        }
        return t;
      }
    }
    throw new AssertionError("no route matched: Envoy would answer 404");
  }

  private static boolean matches(Route r, RouteSelector.RequestView request) {
    if (!r.getMatch().getPrefix().equals("/")) {
      throw new AssertionError("only prefix '/' is modelled, got " + r.getMatch());
    }
    String path = request.value(":path");
    if (path == null || !path.startsWith("/")) {
      return false;
    }
    for (HeaderMatcher h : r.getMatch().getHeadersList()) {
      if (h.getHeaderMatchSpecifierCase() != HeaderMatcher.HeaderMatchSpecifierCase.STRING_MATCH
          || h.getStringMatch().getMatchPatternCase() != StringMatcher.MatchPatternCase.SAFE_REGEX
          || h.getInvertMatch()
          || h.getTreatMissingHeaderAsEmpty()
          || h.getStringMatch().getIgnoreCase()) {
        throw new AssertionError("only plain safe_regex header matchers are modelled, got " + h);
      }
      String value = request.value(h.getName().toLowerCase());
      if (value == null
          || !Pattern.compile(h.getStringMatch().getSafeRegex().getRegex()).matches(value)) {
        return false;
      }
    }
    return true;
  }
}

package dev.intercept.sidecar;

import com.google.re2j.Pattern;
import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.InvalidInputException;
import dev.intercept.protocol.Matcher;
import dev.intercept.protocol.Route;
import dev.intercept.protocol.RouteTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A route table compiled for matching, immutable so the data plane can swap it atomically.
 * Semantics follow Envoy's route matching with {@code safe_regex} header matchers: first route
 * whose matchers all fully match wins; a header sent several times is matched as its values joined
 * with ','; an absent header matches nothing; names are case-insensitive.
 */
public final class RouteSelector {
  private static final Logger LOG = LoggerFactory.getLogger(RouteSelector.class);
  private final RouteTable table;
  private final List<CompiledRoute> routes;

  /** The request as matching sees it. */
  public interface RequestView {
    /** Pseudo-header or header value (values of a repeated header joined with ','), or null. */
    String value(String lowerCaseName);
  }

  private record CompiledMatcher(String header, Predicate<String> fullMatch) {}

  private record CompiledRoute(Route route, List<CompiledMatcher> matchers) {}

  /**
   * Compiles the table; a route whose regex does not compile (or is over RE2's limits) is dropped,
   * alone, with a log line, and the rest applies. Compiling takes time: call it off the event loop.
   */
  public RouteSelector(RouteTable table, int maxProgramSize) {
    this.table = table;
    List<CompiledRoute> compiled = new ArrayList<>();
    for (Route r : table.routes()) {
      try {
        List<CompiledMatcher> ms = new ArrayList<>();
        for (Matcher m : r.matchers()) {
          Pattern p = Matcher.compile(m.regex(), maxProgramSize);
          ms.add(
              new CompiledMatcher(
                  m.header().toLowerCase(Locale.ROOT), LiteralMatch.of(m.regex(), p)));
        }
        compiled.add(new CompiledRoute(r, List.copyOf(ms)));
      } catch (InvalidInputException e) {
        LOG.warn("route {} of {} dropped: {}", r.name(), table.app(), e.getMessage());
      }
    }
    this.routes = List.copyOf(compiled);
  }

  /** How many routes of the table compiled (the others were dropped). */
  public int size() {
    return routes.size();
  }

  public RouteTable table() {
    return table;
  }

  /** The first matching route, or null for the catch-all to the app. */
  public Route select(RequestView request) {
    for (CompiledRoute r : routes) {
      if (matchesAll(r, request)) {
        return r.route();
      }
    }
    return null;
  }

  private static boolean matchesAll(CompiledRoute r, RequestView request) {
    for (CompiledMatcher m : r.matchers()) {
      String v = request.value(m.header());
      if (v == null || !m.fullMatch().test(v)) {
        return false;
      }
    }
    return true;
  }

  /** Target of the first matching route, or null for the app. */
  public HostPort target(RequestView request) {
    Route r = select(request);
    return r == null ? null : r.target();
  }
}

package dev.intercept.proxy;

import dev.intercept.protocol.Explanation;
import dev.intercept.protocol.Explanation.Outcome;
import dev.intercept.protocol.Explanation.Verdict;
import dev.intercept.protocol.Identity;
import dev.intercept.protocol.Intercept;
import dev.intercept.protocol.InvalidInputException;
import dev.intercept.protocol.Matcher;
import dev.intercept.protocol.PersonalId;
import dev.intercept.protocol.RouteTable;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code explain}: where a request would go, decided as the data planes decide (RouteSelector and
 * Envoy's safe_regex header matchers): intercepts in {@link RouteTable#ORDER}, the first whose
 * matchers all fully match takes it, an absent header matches nothing, a tunnel that is down is not
 * routed.
 */
final class Explainer {
  static final int MAX_HEADERS = 100;
  static final int MAX_VALUE_LENGTH = 8192;

  private Explainer() {}

  /** The request of an explain call's body, {@code {"headers": {"name": "value", ...}}}. */
  static Map<String, String> request(JsonObject body) {
    Object h = body == null ? null : body.getValue("headers");
    if (!(h instanceof JsonObject headers)) {
      throw new InvalidInputException("body must be {\"headers\": {\"name\": \"value\", ...}}");
    }
    if (headers.size() > MAX_HEADERS) {
      throw new InvalidInputException("more than " + MAX_HEADERS + " headers");
    }
    Map<String, String> request = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : headers) {
      if (!(e.getValue() instanceof String value)) {
        throw new InvalidInputException("header '" + e.getKey() + "' must have a string value");
      }
      if (value.length() > MAX_VALUE_LENGTH) {
        throw new InvalidInputException(
            "header '" + e.getKey() + "' is longer than " + MAX_VALUE_LENGTH + " characters");
      }
      if (request.put(Matcher.headerName(e.getKey()), value) != null) {
        throw new InvalidInputException(
            "header '" + e.getKey() + "' given twice (join repeated values with ',')");
      }
    }
    return request;
  }

  /** The verdicts on {@code request} of the app's intercepts, as {@code viewer} may see them. */
  static Explanation explain(
      String app, List<Intercept> intercepts, Map<String, String> request, Identity viewer) {
    List<Intercept> ordered =
        intercepts.stream().filter(i -> i.app().equals(app)).sorted(RouteTable.ORDER).toList();
    List<Verdict> verdicts = new ArrayList<>();
    String takenBy = null;
    int order = 0;
    for (Intercept i : ordered) {
      order++;
      Matcher failed = firstFailing(i.matchers(), request);
      Outcome outcome;
      if (failed != null) {
        outcome = Outcome.NO_MATCH;
      } else if (i.tunnel() == null) {
        outcome = Outcome.TUNNEL_DOWN;
      } else if (takenBy != null) {
        outcome = Outcome.SHADOWED;
      } else {
        outcome = Outcome.TAKES;
        takenBy = i.name();
      }
      boolean sees = viewer.admin() || viewer.user().equals(i.owner());
      Matcher shown = failed == null || sees ? failed : PersonalId.hidden(List.of(failed)).get(0);
      verdicts.add(
          new Verdict(
              order,
              i.name(),
              i.owner(),
              outcome,
              shown,
              failed == null ? null : request.get(failed.header())));
    }
    return new Explanation(app, request, takenBy, verdicts);
  }

  private static Matcher firstFailing(List<Matcher> matchers, Map<String, String> request) {
    for (Matcher m : matchers) {
      String v = request.get(m.header());
      if (v == null || !Matcher.compile(m.regex()).matches(v)) {
        return m;
      }
    }
    return null;
  }
}

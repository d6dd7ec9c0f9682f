package dev.intercept.envoy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.intercept.policy.RegexBudget;
import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.Matcher;
import dev.intercept.protocol.Route;
import dev.intercept.protocol.RouteTable;
import dev.intercept.sidecar.RouteSelector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Both data planes make the same decision for every request of a table. */
class EnvoyParityTest {
  static final EnvoyResources.Site SITE =
      new EnvoyResources.Site("0.0.0.0", 9900, new HostPort("127.0.0.1", 8080), 15, 5);

  record Req(String method, String path, String host, String... headers)
      implements RouteSelector.RequestView {
    @Override
    public String value(String name) {
      Map<String, List<String>> h = new HashMap<>();
      for (int i = 0; i < headers.length; i += 2) {
        h.computeIfAbsent(headers[i].toLowerCase(), k -> new ArrayList<>()).add(headers[i + 1]);
      }
      return switch (name) {
        case ":path" -> path;
        case ":method" -> method;
        case ":authority" -> host;
        case ":scheme" -> "http";
        default -> h.containsKey(name) ? String.join(",", h.get(name)) : null;
      };
    }
  }

  static final List<Req> REQUESTS =
      List.of(
          new Req("GET", "/foo/bar", "the-app"),
          new Req("GET", "/ark3", "the-app"),
          new Req("GET", "/x/ark3/y?q=1", "the-app"),
          new Req("GET", "/ark", "the-app"),
          new Req("GET", "/search?q=ark3", "the-app"),
          new Req("POST", "/foo", "the-app", "x-dev", "bob"),
          new Req("PUT", "/foo", "the-app:80", "X-Dev", "bob"),
          new Req("GET", "/foo", "the-app", "x-dev", "bob"),
          new Req("POST", "/foo", "other", "x-dev", "bob"),
          new Req("POST", "/foo", "the-app", "x-dev", "Bob"),
          new Req("POST", "/foo", "the-app", "x-dev", "alice", "x-dev", "bob"),
          new Req("POST", "/foo", "the-app"),
          new Req("GET", "/", "the-app", "x-tenant", ""),
          new Req("GET", "/", "the-app", "x-tenant", "acme"),
          new Req("GET", "/", "the-app", "x-tenant", "acme", "x-tenant", "other"),
          new Req("DELETE", "/ark3", "the-app", "x-dev", "bob"),
          new Req("GET", "/" + "a".repeat(5000), "the-app"));

  static RouteTable table() {
    HostPort a = new HostPort("10.0.0.1", 9000);
    HostPort b = new HostPort("10.0.0.2", 9001);
    HostPort c = new HostPort("10.0.0.1", 9002);
    return new RouteTable(
        "myapp",
        42,
        List.of(
            new Route("alice", List.of(Matcher.of(":path", ".*ark3.*")), a),
            new Route(
                "bob",
                List.of(
                    Matcher.of("X-Dev", "bob"),
                    Matcher.of(":method", "POST|PUT"),
                    Matcher.of(":authority", "the-app(:80)?")),
                b),
            new Route("multi", List.of(Matcher.of("x-dev", "alice,bob")), c),
            new Route("tenant", List.of(Matcher.of("x-tenant", "acme|")), a),
            new Route("long", List.of(Matcher.of(":path", "/(a+)+")), b)));
  }

  @Test
  void envoyConfigAndBuiltinRouterDecideAlike() throws Exception {
    RouteTable t = table();
    RouteSelector builtin = new RouteSelector(t, RegexBudget.ENVOY_MAX_PROGRAM_SIZE);
    String lds = Yaml.render(EnvoyResources.lds(SITE, t));
    String cds = Yaml.render(EnvoyResources.cds(SITE, t.version(), t));
    EnvoyRouteEvaluator envoy =
        new EnvoyRouteEvaluator(
            EnvoyProtos.hcm(EnvoyProtos.listener(lds)).getRouteConfig(), EnvoyProtos.clusters(cds));
    int intercepted = 0;
    for (Req r : REQUESTS) {
      HostPort b = builtin.target(r);
      HostPort expected = b == null ? SITE.app() : b;
      assertEquals(
          expected, envoy.target(r), r.method() + " " + r.path() + " " + List.of(r.headers()));
      intercepted += b == null ? 0 : 1;
    }
    // the table exercises both outcomes
    assertEquals(
        true, intercepted > 5 && intercepted < REQUESTS.size() - 3, "intercepted " + intercepted);
  }

  @Test
  void anEmptyTableSendsEverythingToTheApp() throws Exception {
    RouteTable t = RouteTable.empty("myapp");
    EnvoyRouteEvaluator envoy =
        new EnvoyRouteEvaluator(
            EnvoyProtos.hcm(EnvoyProtos.listener(Yaml.render(EnvoyResources.lds(SITE, t))))
                .getRouteConfig(),
            EnvoyProtos.clusters(Yaml.render(EnvoyResources.cds(SITE, 0, t))));
    for (Req r : REQUESTS) {
      assertEquals(SITE.app(), envoy.target(r));
    }
  }
}

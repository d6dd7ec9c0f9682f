package dev.intercept.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.intercept.policy.RegexBudget;
import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.Intercept;
import dev.intercept.protocol.Matcher;
import dev.intercept.protocol.RouteTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteSelectorTest {
  private static final HostPort A = new HostPort("127.0.0.1", 9000);
  private static final HostPort B = new HostPort("127.0.0.1", 9001);

  /** A request: pseudo-headers plus headers; a repeated header joins with ',' as in Envoy. */
  static RouteSelector.RequestView request(
      String method, String path, String host, String... headers) {
    Map<String, List<String>> h = new HashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      h.computeIfAbsent(headers[i].toLowerCase(), k -> new ArrayList<>()).add(headers[i + 1]);
    }
    return name ->
        switch (name) {
          case ":path" -> path;
          case ":method" -> method;
          case ":authority" -> host;
          case ":scheme" -> "http";
          default -> h.containsKey(name) ? String.join(",", h.get(name)) : null;
        };
  }

  static Intercept intercept(String name, long seq, HostPort tunnel, Matcher... ms) {
    return new Intercept(
        "myapp",
        name,
        List.of(ms),
        tunnel == null ? 9009 : tunnel.port(),
        tunnel,
        "r",
        "o",
        "k",
        seq,
        seq,
        seq + 10_000);
  }

  static RouteSelector selector(Intercept... is) {
    return new RouteSelector(
        RouteTable.of("myapp", 1, List.of(is)), RegexBudget.ENVOY_MAX_PROGRAM_SIZE);
  }

  @Test
  void regexMustMatchTheWholeValue() {
    RouteSelector s = selector(intercept("t", 1, A, Matcher.of(":path", "/ark3")));
    assertEquals(A, s.target(request("GET", "/ark3", "the-app")));
    assertNull(s.target(request("GET", "/ark3/x", "the-app")), "prefix is not a full match");
    assertNull(s.target(request("GET", "/x/ark3", "the-app")), "suffix is not a full match");
    RouteSelector any = selector(intercept("t", 1, A, Matcher.of(":path", ".*ark3.*")));
    assertEquals(A, any.target(request("GET", "/x/ark3/y", "the-app")));
    assertNull(any.target(request("GET", "/foo/bar", "the-app")));
  }

  @Test
  void pathIncludesTheQueryString() {
    RouteSelector s = selector(intercept("t", 1, A, Matcher.of(":path", "/search\\?q=ark3")));
    assertEquals(A, s.target(request("GET", "/search?q=ark3", "the-app")));
    assertNull(s.target(request("GET", "/search", "the-app")));
  }

  @Test
  void pseudoHeadersMethodAuthorityScheme() {
    RouteSelector s =
        selector(
            intercept(
                "t",
                1,
                A,
                Matcher.of(":method", "POST|PUT"),
                Matcher.of(":authority", "the-app(:80)?"),
                Matcher.of(":scheme", "http")));
    assertEquals(A, s.target(request("POST", "/", "the-app")));
    assertEquals(A, s.target(request("PUT", "/", "the-app:80")));
    assertNull(s.target(request("GET", "/", "the-app")));
    assertNull(s.target(request("POST", "/", "other")));
  }

  @Test
  void headerNamesAreCaseInsensitiveValuesAreNot() {
    RouteSelector s = selector(intercept("t", 1, A, Matcher.of("X-Dev", "bob")));
    assertEquals(A, s.target(request("GET", "/", "h", "x-dev", "bob")));
    assertEquals(A, s.target(request("GET", "/", "h", "X-DEV", "bob")));
    assertNull(s.target(request("GET", "/", "h", "x-dev", "Bob")));
  }

  @Test
  void absentHeaderNeverMatchesEvenAnEmptyRegex() {
    RouteSelector s = selector(intercept("t", 1, A, Matcher.of("x-dev", ".*")));
    assertNull(s.target(request("GET", "/", "h")));
    assertEquals(A, s.target(request("GET", "/", "h", "x-dev", "")));
  }

  @Test
  void repeatedHeaderIsMatchedAsItsValuesJoinedWithComma() {
    RouteSelector s = selector(intercept("t", 1, A, Matcher.of("x-dev", "alice,bob")));
    assertEquals(A, s.target(request("GET", "/", "h", "x-dev", "alice", "x-dev", "bob")));
    assertNull(s.target(request("GET", "/", "h", "x-dev", "bob")));
  }

  @Test
  void allMatchersOfAnInterceptMustMatch() {
    RouteSelector s =
        selector(intercept("t", 1, A, Matcher.of(":path", ".*ark3.*"), Matcher.of("x-dev", "bob")));
    assertEquals(A, s.target(request("GET", "/ark3", "h", "x-dev", "bob")));
    assertNull(s.target(request("GET", "/ark3", "h")));
    assertNull(s.target(request("GET", "/foo", "h", "x-dev", "bob")));
  }

  @Test
  void interceptsAreAlternativesAndTheFirstRegisteredWins() {
    Intercept first = intercept("alice", 1, A, Matcher.of(":path", ".*ark3.*"));
    Intercept second = intercept("bob", 2, B, Matcher.of("x-dev", "bob"));
    // given in the wrong order: the table orders by creation
    RouteSelector s = selector(second, first);
    assertEquals(List.of("alice", "bob"), s.table().routes().stream().map(r -> r.name()).toList());
    assertEquals(A, s.target(request("GET", "/ark3", "h")));
    assertEquals(B, s.target(request("GET", "/foo", "h", "x-dev", "bob")));
    assertEquals(
        A,
        s.target(request("GET", "/ark3", "h", "x-dev", "bob")),
        "both match: first registered wins");
    assertNull(s.target(request("GET", "/foo", "h")));
  }

  @Test
  void interceptWhoseTunnelIsDownIsLeftOut() {
    RouteSelector s =
        selector(
            intercept("down", 1, null, Matcher.of(":path", ".*")),
            intercept("up", 2, B, Matcher.of(":path", "/b")));
    assertEquals(1, s.table().routes().size());
    assertNull(s.target(request("GET", "/a", "h")), "fails open to the app");
    assertEquals(B, s.target(request("GET", "/b", "h")));
  }

  @Test
  void pathologicalRegexIsLinear() {
    RouteSelector s = selector(intercept("t", 1, A, Matcher.of(":path", "(a+)+$")));
    String path = "a".repeat(100_000) + "!";
    // a backtracking engine would never return here; RE2 answers in linear time
    assertTimeoutPreemptively(
        Duration.ofSeconds(20), () -> assertNull(s.target(request("GET", path, "h"))));
  }
}

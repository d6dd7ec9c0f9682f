package dev.intercept.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.intercept.protocol.Explanation;
import dev.intercept.protocol.Explanation.Outcome;
import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.Identity;
import dev.intercept.protocol.Intercept;
import dev.intercept.protocol.InvalidInputException;
import dev.intercept.protocol.Matcher;
import dev.intercept.protocol.PersonalId;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * explain's decisions: order (personal first, then creation), tunnel down, shadowed, hidden ids.
 */
class ExplainerTest {
  private static final HostPort UP = new HostPort("127.0.0.1", 2000);
  private static final Identity ALICE = new Identity("alice", "", Set.of());

  private static Intercept intercept(
      String name, String owner, long seq, HostPort tunnel, Matcher... m) {
    return new Intercept(
        "web", name, List.of(m), 2000, tunnel, "r1", owner, "key", seq, 0, Long.MAX_VALUE);
  }

  @Test
  void theFirstMatchingInterceptWithATunnelTakesItInRouteOrder() {
    String id = PersonalId.fresh();
    List<Intercept> all =
        List.of(
            intercept("down", "bob", 1, null, Matcher.of(":path", "/a.*")),
            intercept("wide", "bob", 2, UP, Matcher.of(":path", "/a.*")),
            intercept("later", "carol", 3, UP, Matcher.of(":path", "/ab")),
            intercept(
                "mine",
                "bob",
                4,
                UP,
                Matcher.of(":path", "/ab"),
                Matcher.of(PersonalId.HEADER, id)),
            intercept("hdr", "carol", 5, UP, Matcher.of("x-dev", "carol")));
    Explanation x = Explainer.explain("web", all, Map.of(":path", "/ab", ":method", "GET"), ALICE);
    assertEquals("wide", x.takenBy());
    // personal first, then by creation
    assertEquals(
        List.of("mine", "down", "wide", "later", "hdr"),
        x.verdicts().stream().map(Explanation.Verdict::name).toList());
    assertEquals(Outcome.NO_MATCH, x.verdicts().get(0).outcome());
    // another's personal id is not shown; the request's own (absent) value is
    assertEquals(PersonalId.HIDDEN, x.verdicts().get(0).failed().regex());
    assertNull(x.verdicts().get(0).value());
    assertEquals(Outcome.TUNNEL_DOWN, x.verdicts().get(1).outcome());
    assertEquals(Outcome.TAKES, x.verdicts().get(2).outcome());
    assertEquals(Outcome.SHADOWED, x.verdicts().get(3).outcome());
    assertEquals("does not match: the request has no x-dev", x.verdicts().get(4).reason());

    Explanation owner =
        Explainer.explain(
            "web",
            all,
            Map.of(":path", "/ab", PersonalId.HEADER, id),
            new Identity("bob", "", Set.of()));
    assertEquals("mine", owner.takenBy());
    assertEquals(owner, Explanation.fromJson(owner.toJson()));
  }

  @Test
  void aBadRequestIsRefusedWithAReason() {
    assertThrows(InvalidInputException.class, () -> Explainer.request(new JsonObject()));
    assertEquals(
        "unknown pseudo-header ':bogus' (supported: :path, :method, :authority, :scheme)",
        assertThrows(
                InvalidInputException.class,
                () ->
                    Explainer.request(
                        new JsonObject().put("headers", new JsonObject().put(":bogus", "x"))))
            .getMessage());
    assertThrows(
        InvalidInputException.class,
        () -> Explainer.request(new JsonObject().put("headers", new JsonObject().put("a", 1))));
    assertEquals(
        Map.of("x-dev", "me"),
        Explainer.request(new JsonObject().put("headers", new JsonObject().put("X-Dev", "me"))));
  }
}

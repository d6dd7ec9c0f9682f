package dev.intercept.policy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.ProxyFixture;
import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.Identity;
import dev.intercept.protocol.Intercept;
import dev.intercept.protocol.Matcher;
import dev.intercept.protocol.PersonalId;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Overlap with a witness, catch-alls, personal intercepts: decided on the regex languages. */
class InterceptPolicyTest {
  static final Identity ALICE = new Identity("alice", "u1", Set.of());
  static final Identity BOB = new Identity("bob", "u2", Set.of());
  static final Identity ADMIN = new Identity("root", "u3", Set.of(Identity.ADMINS));

  private final Vertx vertx = Vertx.vertx();
  private final InterceptPolicy policy = new InterceptPolicy(vertx, 5_000, 10_000, 100);

  @AfterEach
  void close() throws Exception {
    ProxyFixture.await(vertx.close());
  }

  /** Matchers from header, regex pairs. */
  static List<Matcher> m(String... pairs) {
    List<Matcher> out = new ArrayList<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      out.add(Matcher.of(pairs[i], pairs[i + 1]));
    }
    return out;
  }

  static Intercept owned(String owner, String name, List<Matcher> matchers) {
    return new Intercept("myapp", name, matchers, 9000, null, null, owner, "key", 1, 0, 0);
  }

  ApiFailure refusal(Identity who, List<Matcher> mine, Intercept... existing) {
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () ->
                ProxyFixture.await(
                    policy.admit(
                        new InterceptPolicy.Candidate("myapp", "new", mine, who),
                        List.of(existing))));
    return assertInstanceOf(ApiFailure.class, e.getCause());
  }

  void admitted(Identity who, List<Matcher> mine, Intercept... existing) {
    assertDoesNotThrow(
        () ->
            ProxyFixture.await(
                policy.admit(
                    new InterceptPolicy.Candidate("myapp", "new", mine, who), List.of(existing))));
  }

  /** The witness of an overlap, checked here too with RE2/J against both intercepts. */
  Map<String, String> witness(List<Matcher> mine, List<Matcher> theirs) {
    ApiFailure f = refusal(BOB, mine, owned("alice", "theirs", theirs));
    ApiFailure.Overlap o = assertInstanceOf(ApiFailure.Overlap.class, f);
    assertTrue(o.getMessage().contains("overlaps intercept 'theirs' of alice"), o.getMessage());
    assertTrue(Overlaps.matchesAll(mine, o.witness()), o.witness() + " matches mine");
    assertTrue(Overlaps.matchesAll(theirs, o.witness()), o.witness() + " matches theirs");
    return o.witness();
  }

  @Test
  void subtleOverlapsAreRefusedWithAWitnessBothMatch() {
    witness(m(":path", "/[a-c]at"), m(":path", "/bat"));
    witness(m(":path", "(?i)/ABC"), m(":path", "/abc"));
    witness(m(":path", "/.*", "x-dev", "bob"), m(":path", ".*ark3.*"));
    Map<String, String> w = witness(m(":method", "GET|POST"), m(":method", "P.*"));
    assertEquals("POST", w.get(":method"));
    witness(m("Host", "api\\..*"), m(":authority", ".*example.com"));
    witness(m(":path", "/x/[0-9]+"), m(":path", "/x/\\d{3}", ":method", "GET"));
  }

  @Test
  void subtleDisjointnessIsAccepted() {
    admitted(BOB, m(":path", "/a/.*"), owned("alice", "a", m(":path", "/b/.*")));
    admitted(BOB, m(":path", "/[0-9]+"), owned("alice", "a", m(":path", "/[a-z]+")));
    admitted(BOB, m(":path", "(?i)/abc"), owned("alice", "a", m(":path", "/abd")));
    admitted(BOB, m("x-dev", "bob"), owned("alice", "a", m("x-dev", "alice")));
    admitted(BOB, m(":path", ".*\\.json"), owned("alice", "a", m(":path", ".*\\.xml")));
    admitted(
        BOB, m(":path", "/.*", ":method", "GET"), owned("alice", "a", m(":method", "POST|PUT")));
  }

  @Test
  void theSameOwnerMayOverlapThemself() {
    admitted(ALICE, m(":path", ".*ark3.*"), owned("alice", "a", m(":path", ".*ark.*")));
  }

  @Test
  void catchAllsNeedAnAdmin() {
    for (String regex : List.of(".*", "(?s).*", "[\\s\\S]*", ".*|x", "/.*", "(/.*)?|.+")) {
      ApiFailure f = refusal(ALICE, m(":path", regex));
      assertInstanceOf(ApiFailure.Forbidden.class, f, regex);
      assertTrue(f.getMessage().contains("would take every request"), f.getMessage());
      admitted(ADMIN, m(":path", regex));
    }
    assertInstanceOf(
        ApiFailure.Forbidden.class, refusal(ALICE, m(":method", ".*", ":path", "/.*")));
    // not everything: a header a request may leave out, a narrower path, a narrower method
    admitted(ALICE, m("x-dev", ".*"));
    admitted(ALICE, m(":path", "/api/.*"));
    admitted(ALICE, m(":method", "GET|HEAD"));
  }

  @Test
  void personalInterceptsAreExemptAndAnalysingTooLongIsTreatedAsOverlapping() {
    List<Matcher> personal = m(PersonalId.HEADER, PersonalId.fresh());
    admitted(BOB, personal, owned("alice", "a", m(":path", ".*ark3.*")));
    admitted(BOB, m(":path", ".*ark3.*"), owned("alice", "p", personal));
    // "the 15th character from the end is an a": a deterministic automaton of 2^15 states
    Intercept hard = owned("alice", "hard", m(":path", "/(a|b)*a(a|b){14}"));
    List<Matcher> other = m(":path", "/(a|b)*b(a|b){14}");
    assertTrue(refusal(policy, other, hard).contains("its automaton passes 10000 states"));
    InterceptPolicy hurried = new InterceptPolicy(vertx, 100, 1_000_000, 100);
    try {
      assertTrue(refusal(hurried, other, hard).contains("takes longer than 100 ms"));
    } finally {
      hurried.close();
    }
  }

  @Test
  void aShortRegexWhoseAutomatonExplodesIsRefusedWithoutExhaustingTheHeap() {
    // RE2 program size 37 (with the leading /); its deterministic automaton has 2^31 states (tens
    // of GB unbounded)
    String why = refusal(policy, m(":path", "/[ab]*a[ab]{30}"));
    assertTrue(why.contains("treated as overlapping") && why.contains("10000 states"), why);
    admitted(BOB, m(":path", "/[ab]*a[ab]{8}"));
  }

  String refusal(InterceptPolicy p, List<Matcher> mine, Intercept... existing) {
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () ->
                ProxyFixture.await(
                    p.admit(
                        new InterceptPolicy.Candidate("myapp", "new", mine, BOB),
                        List.of(existing))));
    assertTrue(e.getCause() instanceof ApiFailure.Overlap, e.getCause().toString());
    return e.getCause().getMessage();
  }
}

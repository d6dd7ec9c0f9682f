package dev.intercept.policy;

import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.Identity;
import dev.intercept.protocol.Intercept;
import dev.intercept.protocol.InterceptRequest;
import dev.intercept.protocol.InvalidInputException;
import dev.intercept.protocol.Matcher;
import dev.intercept.protocol.PersonalId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * What an intercept may take (docs/policy.md): not every request of the app unless its owner is an
 * admin (403), and nothing another owner's intercept on the app takes (409, with a request both
 * would take). Personal intercepts take only their developer's tagged requests and are exempt. The
 * analysis runs on its own small worker pool, never on an event loop, within a deadline; what
 * cannot be analysed in time is treated as overlapping and says so.
 */
public final class InterceptPolicy {
  private final WorkerExecutor workers;
  private final long deadlineMs;
  private final int maxStates;
  private final int maxProgramSize;
  private final LanguageCache cache = new LanguageCache(4096);

  /**
   * {@code deadlineMs} for one registration's analysis, queueing included; {@code maxStates} for
   * any automaton one step of it builds; {@code maxProgramSize} for each regex's RE2 program.
   */
  public InterceptPolicy(Vertx vertx, long deadlineMs, int maxStates, int maxProgramSize) {
    this.workers =
        vertx.createSharedWorkerExecutor(
            "intercept-policy", 2, deadlineMs * 10, TimeUnit.MILLISECONDS);
    this.deadlineMs = deadlineMs;
    this.maxStates = maxStates;
    this.maxProgramSize = maxProgramSize;
  }

  /**
   * A registration's body, read and checked on the worker pool (RE2/J's compile and the program
   * size take time on a hostile regex): the matchers within RE2's limits and {@code
   * max-regex-program-size}, else {@link InvalidInputException} naming the matcher.
   */
  public Future<InterceptRequest> read(String body) {
    return workers
        .executeBlocking(() -> checked(InterceptRequest.parse(body)), false)
        .timeout(deadlineMs, TimeUnit.MILLISECONDS)
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof InvalidInputException
                        ? e
                        : new InvalidInputException(
                            "the matchers could not be checked within " + deadlineMs + " ms")));
  }

  private InterceptRequest checked(InterceptRequest req) {
    List<Matcher> ms = req.matchers();
    for (int i = 0; i < ms.size(); i++) {
      try {
        RegexBudget.programSize(ms.get(i).regex(), maxProgramSize);
      } catch (InvalidInputException e) {
        throw new InvalidInputException(
            "matcher " + (i + 1) + " (" + ms.get(i).header() + "): " + e.getMessage());
      }
    }
    return req;
  }

  /** An intercept being registered. */
  public record Candidate(String app, String name, List<Matcher> matchers, Identity owner) {}

  /**
   * Succeeds when {@code candidate} may be registered beside {@code existing} (the app's other
   * intercepts); else fails with {@link ApiFailure.Forbidden} or {@link ApiFailure.Overlap}.
   */
  public Future<Void> admit(Candidate candidate, List<Intercept> existing) {
    return workers
        .executeBlocking(() -> decideWithin(candidate, existing), false)
        .timeout(deadlineMs, TimeUnit.MILLISECONDS)
        .recover(
            e ->
                e instanceof ApiFailure
                    ? Future.failedFuture(e)
                    : Future.failedFuture(
                        new ApiFailure.Overlap(
                            "intercept '"
                                + candidate.name()
                                + "' could not be checked against the other intercepts of app '"
                                + candidate.app()
                                + "': its analysis takes longer than "
                                + deadlineMs
                                + " ms; treated as overlapping: simplify its matchers",
                            Map.of())))
        .mapEmpty();
  }

  /**
   * The decision, on a worker thread, bounded: the worker stops at the deadline too (the future's
   * timeout alone would leave it running) and never builds an automaton past the state cap.
   */
  private Void decideWithin(Candidate c, List<Intercept> existing) {
    try {
      return decide(c, existing, Bounded.within(maxStates, deadlineMs));
    } catch (Bounded.TooComplex e) {
      throw new ApiFailure.Overlap(
          "intercept '"
              + c.name()
              + "' could not be checked against the other intercepts of app '"
              + c.app()
              + "': "
              + e.getMessage()
              + "; treated as overlapping: simplify its matchers",
          Map.of());
    }
  }

  private Void decide(Candidate c, List<Intercept> existing, Bounded bounds) {
    if (PersonalId.in(c.matchers())) {
      return null;
    }
    InterceptLanguage mine = InterceptLanguage.of(c.matchers(), cache, bounds);
    if (!c.owner().admin() && Values.everything(mine.byHeader(), bounds)) {
      throw new ApiFailure.Forbidden(
          "intercept '"
              + c.name()
              + "' would take every request of app '"
              + c.app()
              + "' ("
              + describe(c.matchers())
              + (mine.exact() ? "" : "; treated so because of " + mine.inexactBecause())
              + "): only admins (group "
              + Identity.ADMINS
              + ") may; narrow the match, or use --personal");
    }
    for (Intercept other : existing) {
      if (other.owner().equals(c.owner().user()) || PersonalId.in(other.matchers())) {
        continue;
      }
      InterceptLanguage theirs = InterceptLanguage.of(other.matchers(), cache, bounds);
      Optional<Overlaps.Overlap> o =
          Overlaps.between(c.matchers(), mine, other.matchers(), theirs, bounds);
      if (o.isPresent()) {
        throw overlap(c, other, o.get(), mine, theirs);
      }
    }
    return null;
  }

  private static ApiFailure.Overlap overlap(
      Candidate c,
      Intercept other,
      Overlaps.Overlap o,
      InterceptLanguage mine,
      InterceptLanguage theirs) {
    String request =
        o.witness().entrySet().stream()
            .map(e -> e.getKey() + ": " + e.getValue())
            .collect(Collectors.joining(", "));
    String why =
        !mine.exact() ? mine.inexactBecause() : !theirs.exact() ? theirs.inexactBecause() : "";
    String verb = o.certain() ? "overlaps" : "may overlap";
    return new ApiFailure.Overlap(
        "intercept '"
            + c.name()
            + "' "
            + verb
            + " intercept '"
            + other.name()
            + "' of "
            + other.owner()
            + " on app '"
            + c.app()
            + "': a request both would take: "
            + request
            + (o.certain()
                ? ""
                : " (cannot be decided exactly because of " + why + ": treated as overlapping)")
            + "; narrow your match, or use --personal",
        o.witness());
  }

  private static String describe(List<Matcher> matchers) {
    return matchers.stream().map(Matcher::toString).collect(Collectors.joining(", "));
  }

  public void close() {
    workers.close();
  }
}

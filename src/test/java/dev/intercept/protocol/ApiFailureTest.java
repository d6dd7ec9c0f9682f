package dev.intercept.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every failure the API answers comes back to the client as the same type, by its code. */
class ApiFailureTest {

  @Test
  void everyFailureRoundTripsThroughItsErrorAnswer() {
    List<ApiFailure> all =
        List.of(
            new InvalidInputException("bad"),
            new ApiFailure.NotFound("gone"),
            new ApiFailure.MethodNotAllowed("no"),
            new ApiFailure.Unauthenticated("who"),
            new ApiFailure.Forbidden("no"),
            new ApiFailure.Unavailable("later"),
            new ApiFailure.NotOwner("theirs"),
            new ApiFailure.TooLarge("big"),
            new ApiFailure.RegistryBusy("busy"),
            new ApiFailure.NoFreePort("full"),
            new ApiFailure.TooManyWaiters("crowded"),
            new ApiFailure.TimedOut("slow"));
    for (ApiFailure f : all) {
      String body = ErrorAnswer.of(f).toJson().encode();
      ApiFailure back = ApiFailure.fromAnswer(f.status(), ErrorAnswer.fromJson(body, "?"));
      assertEquals(f.getClass(), back.getClass(), body);
      assertEquals(f.getMessage(), back.getMessage());
      assertEquals(f.status(), back.status());
    }
  }

  @Test
  void anAnswerWithoutACodeIsTypedByItsStatusAndAnUnreadableOneKeepsAReason() {
    assertTrue(
        ApiFailure.fromAnswer(404, ErrorAnswer.fromJson("{\"error\":\"x\"}", "?"))
            instanceof ApiFailure.NotFound);
    ApiFailure other = ApiFailure.fromAnswer(418, ErrorAnswer.fromJson("<html>", "HTTP 418"));
    assertTrue(other instanceof ApiFailure.Rejected);
    assertEquals("HTTP 418", other.getMessage());
    assertEquals(418, other.status());
  }

  @Test
  void onlyTheRetryableFailuresAskForARetry() {
    assertEquals(1, new ApiFailure.RegistryBusy("b").retryAfterSeconds());
    assertEquals(1, new ApiFailure.TooManyWaiters("w").retryAfterSeconds());
    assertEquals(0, new ApiFailure.NoFreePort("p").retryAfterSeconds());
  }

  @Test
  void aRefusedPollKeepsTheProxysRetryAfter() {
    ErrorAnswer a = ErrorAnswer.fromJson("{\"error\":\"full\",\"code\":\"too-many-waiters\"}", "?");
    assertEquals(7, ApiFailure.fromAnswer(503, a, "7").retryAfterSeconds());
    assertEquals(1, ApiFailure.fromAnswer(503, a, null).retryAfterSeconds());
    // an HTTP date or junk is not a number of seconds: the type's default
    assertEquals(
        1, ApiFailure.fromAnswer(503, a, "Wed, 21 Oct 2026 07:28:00 GMT").retryAfterSeconds());
    // only a refused poll carries one
    ErrorAnswer notFound = ErrorAnswer.fromJson("{\"error\":\"x\",\"code\":\"not-found\"}", "?");
    assertEquals(0, ApiFailure.fromAnswer(404, notFound, "7").retryAfterSeconds());
  }
}

package dev.intercept.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.protocol.ApiFailure;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteWatcherRetryTest {
  @Test
  void aRefusedPollWaitsTheProxysRetryAfterPlusUpToASecond() {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      long d = RouteWatcher.retryDelay(new ApiFailure.TooManyWaiters("full", 7), 100);
      assertTrue(d >= 7_000 && d < 8_000, "delay " + d);
      seen.add(d / 100);
    }
    assertTrue(seen.size() > 3, "jittered: " + seen);
  }

  @Test
  void theProxysRetryAfterIsBounded() {
    long d = RouteWatcher.retryDelay(new ApiFailure.TooManyWaiters("full", 3_600), 100);
    assertEquals(RouteWatcher.MAX_RETRY_AFTER_MS, d);
  }

  @Test
  void otherFailuresWaitTheBackoff() {
    assertEquals(1_234, RouteWatcher.retryDelay(new ApiFailure.Refused("down"), 1_234));
    assertEquals(1, RouteWatcher.retryDelay(new ApiFailure.Refused("down"), 0));
  }
}

package dev.intercept.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PollCapacityTest {
  private static final long GB = 1L << 30;

  @Test
  void theFileLimitLessWhatIsOpenAndTheReserveBoundsThePolls() {
    PollCapacity c = PollCapacity.derive(20_000, 120, 4 * GB, 0, 0);
    assertEquals(2_000, c.reserve());
    assertEquals(20_000 - 120 - 2_000, c.limit());
    assertEquals("open-file limit", c.why());
  }

  @Test
  void aSmallLimitKeepsAtLeast256ForTheApi() {
    PollCapacity c = PollCapacity.derive(1_024, 100, 4 * GB, 0, 0);
    assertEquals(256, c.reserve());
    assertEquals(1_024 - 100 - 256, c.limit());
  }

  @Test
  void aSmallHeapBoundsThePollsBelowTheFileLimit() {
    PollCapacity c = PollCapacity.derive(1_000_000, 100, 64L << 20, 0, 0);
    assertEquals((32L << 20) / PollCapacity.HEAP_PER_POLL, c.limit());
    assertEquals("heap", c.why());
  }

  @Test
  void aSetReserveAndAnOverrideWin() {
    assertEquals(500, PollCapacity.derive(2_000, 100, 4 * GB, 0, 1_400).limit());
    PollCapacity over = PollCapacity.derive(2_000, 100, 4 * GB, 5_000, 0);
    assertEquals(5_000, over.limit());
    assertTrue(over.why().contains("may exhaust"), over.why());
  }

  @Test
  void noKnownFileLimitLeavesTheHeap() {
    PollCapacity c = PollCapacity.derive(PollCapacity.UNKNOWN, PollCapacity.UNKNOWN, GB, 0, 0);
    assertEquals((GB / 2) / PollCapacity.HEAP_PER_POLL, c.limit());
    assertTrue(c.describe().contains("unknown"), c.describe());
  }

  @Test
  void aFullProcessStillAllowsOnePoll() {
    assertEquals(1, PollCapacity.derive(300, 290, 4 * GB, 0, 0).limit());
  }
}

package dev.intercept.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.TestWait;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ResponseClockTest {
  /** A clock's owner that records when it timed out. */
  private static final class Waiting extends ResponseClock.Timed {
    final String name;
    final List<String> log;

    Waiting(String name, List<String> log) {
      this.name = name;
      this.log = log;
    }

    @Override
    void timedOut() {
      log.add(name);
    }
  }

  @Test
  void timesOutWhatRunsInStartOrderAndNothingStopped() throws Exception {
    EventLoop loop = new DefaultEventLoop();
    try {
      List<String> log = new CopyOnWriteArrayList<>();
      ResponseClock clock = new ResponseClock(loop, 200);
      Waiting a = new Waiting("a", log);
      Waiting b = new Waiting("b", log);
      Waiting c = new Waiting("c", log);
      Waiting d = new Waiting("d", log);
      long started = System.nanoTime();
      loop.submit(
              () -> {
                clock.start(a);
                clock.start(b);
                clock.start(c);
                clock.start(a); // already running: keeps its start
                clock.stop(b); // in the middle
                clock.stop(b); // twice: nothing
              })
          .get(5, TimeUnit.SECONDS);
      loop.schedule(() -> clock.start(d), 100, TimeUnit.MILLISECONDS);
      loop.schedule(() -> clock.stop(a), 50, TimeUnit.MILLISECONDS);
      TestWait.until(() -> log.size() == 2, 5_000, "c and d time out");
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertEquals(List.of("c", "d"), log);
      assertTrue(tookMs >= 300, "d waited its whole timeout: " + tookMs + " ms");
      // a clock started again after it ran out runs anew
      loop.submit(() -> clock.start(c)).get(5, TimeUnit.SECONDS);
      TestWait.until(() -> log.size() == 3, 5_000, "c again");
      assertEquals(List.of("c", "d", "c"), log);
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}

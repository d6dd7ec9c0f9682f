package dev.intercept.sidecar;

import dev.intercept.sidecar.RoutePlan.Upstream;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One event loop's upstream pools, by pool key (the app, each route's tunnel target), and how many
 * exchanges it has under way. Used from its loop only, but for the count, which shutdown reads.
 */
final class LoopUpstreams {
  private final EventLoop loop;
  private final Class<? extends Channel> channelType;
  private final Supplier<RoutePlan> plan;
  private final Map<String, UpstreamPool> pools = new HashMap<>();
  private final ResponseClock clock;
  private volatile int inFlight;

  LoopUpstreams(
      EventLoop loop,
      Class<? extends Channel> channelType,
      Supplier<RoutePlan> plan,
      long timeoutMs) {
    this.loop = loop;
    this.clock = new ResponseClock(loop, timeoutMs);
    this.channelType = channelType;
    this.plan = plan;
  }

  UpstreamPool pool(Upstream u) {
    UpstreamPool p = pools.get(u.key());
    if (p == null) {
      p = new UpstreamPool(u.address(), loop, channelType);
      pools.put(u.key(), p);
    }
    return p;
  }

  /** The route timeout of this loop's exchanges. */
  ResponseClock clock() {
    return clock;
  }

  /** Where a request goes when its tunnel fails: the app of the plan in force. */
  Upstream app() {
    return plan.get().app();
  }

  /** Closes the pools of routes no longer in the table (on the loop). */
  void retain(Set<String> keys) {
    pools
        .entrySet()
        .removeIf(
            e -> {
              if (keys.contains(e.getKey())) {
                return false;
              }
              e.getValue().close();
              return true;
            });
  }

  void closeAll() {
    pools.values().forEach(UpstreamPool::close);
    pools.clear();
  }

  /** Written by the loop's thread only. */
  void started() {
    inFlight++;
  }

  void ended() {
    inFlight--;
  }

  int inFlight() {
    return inFlight;
  }
}

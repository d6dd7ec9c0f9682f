package dev.intercept.sidecar;

import dev.intercept.protocol.Hits;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What this sidecar's data plane counted, per route (intercept) and for the app: requests, request
 * and response body bytes, errors it answered itself, the last request's time. Striped adders, so
 * the event loops counting never contend; the data plane holds a route's {@link Counts} with the
 * compiled route, so counting is no lookup. Reported to the proxy (StatsReporter) and served at the
 * sidecar's /metrics (MetricsServer).
 */
public final class RouteCounters {
  /** The latency histogram's upper bounds, in seconds (then +Inf). */
  static final double[] BOUNDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private static final long[] BOUNDS_NANOS =
      Arrays.stream(BOUNDS).mapToLong(b -> (long) (b * 1e9)).toArray();

  private final Map<String, Counts> routes = new ConcurrentHashMap<>();
  private final Counts app = new Counts(System.currentTimeMillis());
  private volatile int tableSize;

  /** One route's counts, since {@code startedAt} (when the route first appeared here). */
  public static final class Counts {
    private final LongAdder requests = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private volatile long lastAt;
    final long startedAt;
    // time to the answer's head (or the sidecar's own error answer), as a Prometheus histogram
    private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
    private final LongAdder answeredNanos = new LongAdder();

    Counts(long startedAt) {
      this.startedAt = startedAt;
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new LongAdder();
      }
    }

    /** The answer's head came (or the sidecar answered) {@code nanos} after the request began. */
    public void answered(long nanos) {
      int i = 0;
      while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
        i++;
      }
      buckets[i].increment();
      answeredNanos.add(nanos);
    }

    /** The histogram's cumulative counts, one per bound then +Inf. */
    long[] cumulative() {
      long[] c = new long[buckets.length];
      long sum = 0;
      for (int i = 0; i < buckets.length; i++) {
        sum += buckets[i].sum();
        c[i] = sum;
      }
      return c;
    }

    double answeredSeconds() {
      return answeredNanos.sum() / 1e9;
    }

    /** A request began. */
    public void request() {
      requests.increment();
      lastAt = System.currentTimeMillis();
    }

    /** Request body bytes passed on (in) and response body bytes passed back (out). */
    public void bytes(long in, long out) {
      if (in > 0) {
        bytesIn.add(in);
      }
      if (out > 0) {
        bytesOut.add(out);
      }
    }

    /**
     * Counts taken from another plane's totals (Envoy's): {@code requests} more, their body bytes
     * each way and errors; the last hit is now when there were requests.
     */
    public void add(long requests, long in, long out, long errors) {
      if (requests > 0) {
        this.requests.add(requests);
        lastAt = System.currentTimeMillis();
      }
      bytes(in, out);
      if (errors > 0) {
        this.errors.add(errors);
      }
    }

    /** The sidecar answered the request itself with an error (502, 503, 504). */
    public void error() {
      errors.increment();
    }

    public Hits hits() {
      return new Hits(requests.sum(), bytesIn.sum(), bytesOut.sum(), errors.sum(), lastAt);
    }
  }

  /** The counts of the route named {@code name}, created when first asked for. */
  public Counts route(String name) {
    return routes.computeIfAbsent(name, n -> new Counts(System.currentTimeMillis()));
  }

  /** The counts of requests that went to the app. */
  public Counts app() {
    return app;
  }

  /** A new route table: routes no longer in it are forgotten (a name registered again restarts). */
  public void retain(Collection<String> names) {
    routes.keySet().retainAll(names);
    tableSize = names.size();
  }

  /** Routes in the last table. */
  public int tableSize() {
    return tableSize;
  }

  /** Every route's running totals that counted anything, as the proxy's stats API takes them. */
  public JsonObject report() {
    JsonObject r = new JsonObject();
    routes.forEach(
        (name, c) -> {
          Hits h = c.hits();
          if (h.requests() > 0) {
            r.put(name, h.toJson().put("startedAt", c.startedAt));
          }
        });
    return r;
  }

  /** A snapshot by route name ("" for the app), for /metrics. */
  Map<String, Hits> snapshot() {
    Map<String, Hits> m = new TreeMap<>();
    m.put("", app.hits());
    routes.forEach((name, c) -> m.put(name, c.hits()));
    return m;
  }

  /** The counts by route name ("" for the app), for /metrics' histogram. */
  Map<String, Counts> all() {
    Map<String, Counts> m = new TreeMap<>(routes);
    m.put("", app);
    return m;
  }
}

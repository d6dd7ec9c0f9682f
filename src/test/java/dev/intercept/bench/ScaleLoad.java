package dev.intercept.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scale bench's load generator (issue 15), one process: {@code pollers} sidecar-like route
 * long-polls on loopback, each its own keep-alive connection, spread over {@code apps} apps, doing
 * what RouteWatcher does (poll with the last version; on 503 wait Retry-After plus up to a second;
 * on a broken connection reconnect after a second). Every answer with a new version is logged (app,
 * monotonic nanos) to {@code out} for ScaleBench to match against its changes. Prints "connected N
 * refused R errors E" every second; stops when OUT.stop exists, at the latest after {@code seconds}
 * (bounded in time).
 *
 * <p>Args: apiPort token pollers apps firstPoller out seconds rampSeconds waitSeconds
 */
public final class ScaleLoad {
  private final Vertx vertx;
  private final NetClient net;
  private final int port;
  private final String token;
  private final int wait;
  private final AtomicInteger connected = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final long[] events;
  private final AtomicInteger eventCount = new AtomicInteger();
  private volatile boolean stopping;

  private ScaleLoad(Vertx vertx, int port, String token, int wait, int maxEvents) {
    this.vertx = vertx;
    this.net = vertx.createNetClient(new NetClientOptions().setConnectTimeout(10_000));
    this.port = port;
    this.token = token;
    this.wait = wait;
    this.events = new long[maxEvents * 3];
  }

  public static void main(String[] a) throws Exception {
    int port = Integer.parseInt(a[0]);
    int pollers = Integer.parseInt(a[2]);
    int apps = Integer.parseInt(a[3]);
    int first = Integer.parseInt(a[4]);
    Path out = Path.of(a[5]);
    int seconds = Integer.parseInt(a[6]);
    int ramp = Integer.parseInt(a[7]);
    Vertx vertx = Vertx.vertx();
    ScaleLoad load =
        new ScaleLoad(vertx, port, a[1], Integer.parseInt(a[8]), Math.max(1, pollers) * 40);
    long rampNanos = ramp * 1_000_000_000L;
    long t0 = System.nanoTime();
    for (int i = 0; i < pollers; i++) {
      int app = (first + i) % apps;
      long delayMs = Math.max(1, rampNanos * i / Math.max(1, pollers) / 1_000_000);
      vertx.setTimer(delayMs, t -> load.new Poller(app).connect());
    }
    long end = t0 + seconds * 1_000_000_000L;
    Path stop = Path.of(out + ".stop");
    while (System.nanoTime() < end && !Files.exists(stop)) {
      Thread.sleep(1_000);
      System.out.printf(
          "connected %d refused %d errors %d%n",
          load.connected.get(), load.refused.get(), load.errors.get());
      System.out.flush();
    }
    load.stopping = true;
    load.write(out);
    System.out.println("done");
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }

  private void write(Path out) throws Exception {
    int n = Math.min(eventCount.get(), events.length / 3);
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
      for (int i = 0; i < n; i++) {
        w.println(events[3 * i] + " " + events[3 * i + 1] + " " + events[3 * i + 2]);
      }
      w.printf(
          "# connected %d refused %d errors %d%n", connected.get(), refused.get(), errors.get());
    }
  }

  /**
   * A new version seen: its app, when (monotonic nanos), and the ms since the proxy made it (a
   * version is the wall-clock ms of its change while changes of an app are over a ms apart).
   */
  private void record(int app, long nanos, long sinceChangeMs) {
    int i = eventCount.getAndIncrement();
    if (3 * i + 2 < events.length) {
      events[3 * i] = app;
      events[3 * i + 1] = nanos;
      events[3 * i + 2] = sinceChangeMs;
    }
  }

  /** One sidecar: a connection, the last version, an answer being parsed. */
  private final class Poller {
    final int app;
    long version = -1;
    NetSocket socket;
    Buffer pending = Buffer.buffer();
    boolean answered;

    Poller(int app) {
      this.app = app;
    }

    void connect() {
      if (stopping) {
        return;
      }
      net.connect(port, "127.0.0.1")
          .onSuccess(
              s -> {
                socket = s;
                pending = Buffer.buffer();
                s.handler(this::data);
                s.closeHandler(v -> closed(s));
                s.exceptionHandler(e -> {});
                poll();
              })
          .onFailure(
              e -> {
                errors.incrementAndGet();
                later(1_000);
              });
    }

    void later(long ms) {
      vertx.setTimer(ms, t -> connect());
    }

    void poll() {
      String req =
          "GET /api/v1/apps/app-"
              + app
              + "/routes?since="
              + version
              + "&wait="
              + wait
              + " HTTP/1.1\r\nHost: proxy\r\nAuthorization: Bearer "
              + token
              + "\r\n\r\n";
      socket.write(Buffer.buffer(req));
    }

    void closed(NetSocket s) {
      if (s != socket) {
        return;
      }
      if (answered) {
        connected.decrementAndGet();
        answered = false;
      }
      socket = null;
      if (!stopping) {
        errors.incrementAndGet();
        later(1_000);
      }
    }

    void data(Buffer b) {
      pending.appendBuffer(b);
      String text = pending.toString(StandardCharsets.ISO_8859_1);
      int headEnd = text.indexOf("\r\n\r\n");
      if (headEnd < 0) {
        return;
      }
      String head = text.substring(0, headEnd);
      int length = header(head, "content-length", 0);
      if (text.length() < headEnd + 4 + length) {
        return;
      }
      String body = text.substring(headEnd + 4, headEnd + 4 + length);
      pending = Buffer.buffer();
      int status = Integer.parseInt(head.split(" ")[1]);
      if (status == 200) {
        long v = new JsonObject(body).getLong("version");
        if (!answered) {
          answered = true;
          connected.incrementAndGet();
        } else if (v != version) {
          record(app, System.nanoTime(), System.currentTimeMillis() - v);
        }
        version = v;
        poll();
      } else if (status == 503) {
        refused.incrementAndGet();
        NetSocket s = socket;
        if (answered) {
          connected.decrementAndGet();
          answered = false;
        }
        socket = null;
        s.close();
        int after = header(head, "retry-after", 1);
        later(after * 1_000L + ThreadLocalRandom.current().nextLong(1_000));
      } else {
        errors.incrementAndGet();
        vertx.setTimer(1_000, t -> poll());
      }
    }
  }

  private static int header(String head, String name, int dflt) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
        return Integer.parseInt(line.substring(colon + 1).trim());
      }
    }
    return dflt;
  }
}

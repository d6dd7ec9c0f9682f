package dev.intercept.client;

import dev.intercept.tunnel.ConnectionTap;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Watches one forwarded connection (requests from the cluster, answers from the local server) and
 * reports each exchange as a line once its answer's status is known: {@code GET /ark3 →
 * localhost:8080 200 3 ms}. It reads what passes and never changes it; what is not HTTP/1 (h2c,
 * gRPC, after a WebSocket upgrade) gets one line saying so, then it stops watching.
 */
public final class ExchangeTap implements ConnectionTap {
  private record Pending(String method, String target, long startNanos) {}

  private final String local;
  private final Consumer<String> out;
  private final LongSupplier nanos;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final MessageFramer requests;
  private final MessageFramer answers;
  private boolean closedReported;

  /** {@code local}: where answers come from ("localhost:8080"); {@code out} takes each line. */
  public ExchangeTap(String local, Consumer<String> out, LongSupplier nanos) {
    this.local = local;
    this.out = out;
    this.nanos = nanos;
    this.requests = new MessageFramer(this::request);
    this.answers = new MessageFramer(this::answer);
  }

  /** Bytes of a request on their way to the local server. */
  @Override
  public synchronized void fromCluster(byte[] b, int off, int len) {
    if (!requests.isOff()) {
      requests.feed(b, off, len);
    }
  }

  /** Bytes of an answer on their way back to the cluster. */
  @Override
  public synchronized void fromLocal(byte[] b, int off, int len) {
    if (!answers.isOff()) {
      answers.feed(b, off, len);
    }
  }

  /** The connection ended: requests never answered are said so. */
  @Override
  public synchronized void closed() {
    if (closedReported) {
      return;
    }
    closedReported = true;
    for (Pending p : pending) {
      out.accept(p.method + " " + p.target + " → " + local + " no answer (connection closed)");
    }
    pending.clear();
  }

  private long request(String startLine, String cl, String te) {
    String[] parts = startLine.split(" ");
    if (startLine.equals("PRI * HTTP/2.0")) {
      // h2c with prior knowledge (gRPC too)
      out.accept("HTTP/2 connection → " + local + " (not followed)");
    }
    if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
      requests.off();
      answers.off();
      return 0;
    }
    pending.add(new Pending(parts[0], parts[1], nanos.getAsLong()));
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      return -1;
    }
    return length(cl);
  }

  private long answer(String startLine, String cl, String te) {
    String[] parts = startLine.split(" ", 3);
    int status;
    try {
      status = Integer.parseInt(parts.length > 1 ? parts[1] : "");
    } catch (NumberFormatException e) {
      answers.off();
      return 0;
    }
    if (status >= 100 && status < 200 && status != 101) {
      return 0; // 100 Continue and other interim answers: the final one follows
    }
    Pending p = pending.poll();
    String what = p == null ? "(unknown request)" : p.method + " " + p.target;
    long ms = p == null ? 0 : (nanos.getAsLong() - p.startNanos) / 1_000_000;
    out.accept(what + " → " + local + " " + status + " " + ms + " ms");
    if (status == 101) {
      out.accept("  upgraded (" + what + "): the connection is no longer followed");
      requests.off();
      answers.off();
      return 0;
    }
    boolean head = p != null && p.method.equals("HEAD");
    if (head || status == 204 || status == 304) {
      return 0;
    }
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      return -1;
    }
    return cl == null ? -2 : length(cl);
  }

  private static long length(String cl) {
    if (cl == null) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(cl.split(",")[0].trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}

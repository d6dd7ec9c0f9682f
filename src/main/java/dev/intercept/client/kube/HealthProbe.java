package dev.intercept.client.kube;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The local end of a probe through a port-forward: sends {@code GET /healthz} to the proxy's API
 * port and reads the status line back, so a pod the API still lists as Ready but whose proxy is
 * gone (a crash not yet seen by its readiness probe) is told from a live one before it is used.
 */
final class HealthProbe implements ByteChannel {
  private static final byte[] REQUEST =
      "GET /healthz HTTP/1.1\r\nHost: intercept-proxy\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII);

  private final long timeoutMs;
  private final ByteArrayOutputStream answer = new ByteArrayOutputStream();
  private final CompletableFuture<Integer> status = new CompletableFuture<>();
  private volatile boolean sent;

  HealthProbe(long timeoutMs) {
    this.timeoutMs = timeoutMs;
  }

  /** The HTTP status the proxy answered, or 0 when it did not (in time). Blocking. */
  int awaitStatus() {
    try {
      return status.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } catch (Exception e) {
      return 0;
    }
  }

  /** First the request; then, once the answer's status line is in (or not), the end. */
  @Override
  public int read(ByteBuffer dst) {
    // one reader (fabric8's pump); the wait must not hold the lock write() takes
    if (!sent) {
      sent = true;
      dst.put(REQUEST);
      return REQUEST.length;
    }
    awaitStatus();
    return -1;
  }

  @Override
  public synchronized int write(ByteBuffer src) {
    int n = src.remaining();
    byte[] b = new byte[n];
    src.get(b);
    answer.write(b, 0, n);
    String head = answer.toString(StandardCharsets.ISO_8859_1);
    int eol = head.indexOf("\r\n");
    if (eol > 0) {
      String[] line = head.substring(0, eol).split(" ");
      status.complete(line.length > 1 && line[1].matches("\\d{3}") ? Integer.parseInt(line[1]) : 0);
    }
    return n;
  }

  @Override
  public boolean isOpen() {
    return !status.isDone();
  }

  @Override
  public void close() throws IOException {
    status.complete(0);
  }
}

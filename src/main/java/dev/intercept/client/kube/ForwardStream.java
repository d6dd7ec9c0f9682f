package dev.intercept.client.kube;

import io.fabric8.kubernetes.client.PortForward;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One local connection as fabric8's port-forward sees it (the channel it reads from and writes to),
 * and what fabric8 does not say: when the WebSocket opened (its first read: fabric8 starts reading
 * once the API server upgraded the connection), and the local end's EOF, which ends the stream
 * (fabric8 stops reading but keeps the WebSocket open). A close before the open is a failed
 * attempt: the local connection stays open for the next one, since nothing was read from it yet.
 */
final class ForwardStream implements ByteChannel {
  private final ByteChannel local;
  private final CompletableFuture<Void> opened = new CompletableFuture<>();
  private PortForward forward;
  private boolean endWanted;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile Consumer<Boolean> onEnd = failed -> {};

  /** {@code local}: the connection to forward (or a {@link HealthProbe}). */
  ForwardStream(ByteChannel local) {
    this.local = local;
  }

  /** Completes when the WebSocket opened, fails when it closed before. */
  CompletableFuture<Void> opened() {
    return opened;
  }

  /** The port-forward carrying this stream, once fabric8 returned it. */
  synchronized void attach(PortForward f) {
    forward = f;
    if (endWanted) {
      closeQuietly(f);
    }
  }

  /** Hears the end of an opened stream: true when the far end reported an error. */
  void onEnd(Consumer<Boolean> listener) {
    onEnd = listener;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    opened.complete(null);
    int n = local.read(dst);
    if (n < 0) {
      end();
    }
    return n;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    int n = 0;
    while (src.hasRemaining()) {
      n += local.write(src);
    }
    return n;
  }

  @Override
  public boolean isOpen() {
    return local.isOpen();
  }

  /** fabric8 closes its channels when the stream ends, or when it could not open. */
  @Override
  public void close() throws IOException {
    if (opened.completeExceptionally(new IOException("the port-forward did not open"))) {
      return;
    }
    local.close();
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    PortForward f;
    synchronized (this) {
      f = forward;
    }
    onEnd.accept(f != null && !f.getServerThrowables().isEmpty());
  }

  /** The local end is done: close the WebSocket (the pod's end of the connection closes too). */
  private void end() {
    PortForward f;
    synchronized (this) {
      f = forward;
      endWanted = f == null;
    }
    if (f != null) {
      closeQuietly(f);
    }
  }

  static void closeQuietly(PortForward f) {
    try {
      f.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}

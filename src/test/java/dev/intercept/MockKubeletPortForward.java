package dev.intercept;

import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;

/**
 * One port-forward stream of {@link MockApiServer}, served as the kubelet serves it (protocol
 * {@code v4.channel.k8s.io}): the first frame on the data channel (0) and on the error channel (1)
 * carry the port (little-endian); then data frames are a channel byte and bytes, relayed both ways
 * to a real TCP connection to the pod's port; a port nothing listens on gets an error-channel
 * message and the stream closes, as a real one does. Socket work runs on this stream's own threads,
 * never on the mock server's event loop.
 */
final class MockKubeletPortForward extends WebSocketListener {
  private final String pod;
  private final String ip;
  private final int port;
  // one thread connects and writes, in order; one reads
  private final ExecutorService writer = Executors.newSingleThreadExecutor(daemon("pf-write"));
  private volatile Socket target;
  private volatile boolean closed;

  MockKubeletPortForward(String pod, String ip, int port) {
    this.pod = pod;
    this.ip = ip;
    this.port = port;
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void onOpen(WebSocket ws, Response response) {
    byte lo = (byte) (port & 0xff);
    byte hi = (byte) ((port >> 8) & 0xff);
    ws.send(new byte[] {0, lo, hi});
    ws.send(new byte[] {1, lo, hi});
    writer.execute(() -> connect(ws));
  }

  private void connect(WebSocket ws) {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(ip, port), 5_000);
      s.setTcpNoDelay(true);
    } catch (IOException e) {
      closeQuietly(s);
      fail(ws, "dial tcp " + ip + ":" + port + ": " + e.getMessage());
      return;
    }
    target = s;
    Thread reader = new Thread(() -> read(ws, s), "pf-read");
    reader.setDaemon(true);
    reader.start();
  }

  private void read(WebSocket ws, Socket s) {
    byte[] buf = new byte[32 * 1024];
    try (InputStream in = s.getInputStream()) {
      int n;
      while ((n = in.read(buf, 1, buf.length - 1)) >= 0) {
        buf[0] = 0;
        ws.send(Arrays.copyOf(buf, n + 1));
      }
    } catch (IOException e) {
      // the connection ended
    }
    end(ws);
  }

  private void fail(WebSocket ws, String why) {
    String text = "error forwarding port " + port + " to pod " + pod + ": " + why;
    byte[] msg = text.getBytes(StandardCharsets.UTF_8);
    byte[] frame = new byte[msg.length + 1];
    frame[0] = 1;
    System.arraycopy(msg, 0, frame, 1, msg.length);
    ws.send(frame);
    end(ws);
  }

  private void end(WebSocket ws) {
    if (!closed) {
      closed = true;
      ws.close(1000, "");
    }
    finish();
  }

  @Override
  public void onMessage(WebSocket ws, byte[] bytes) {
    if (bytes.length < 2 || bytes[0] != 0) {
      return;
    }
    try {
      writer.execute(
          () -> {
            Socket s = target;
            if (s == null) {
              return;
            }
            try {
              s.getOutputStream().write(bytes, 1, bytes.length - 1);
            } catch (IOException e) {
              closeTarget();
            }
          });
    } catch (RejectedExecutionException e) {
      // the stream ended
    }
  }

  @Override
  public void onClosing(WebSocket ws, int code, String reason) {
    clientClosed();
  }

  @Override
  public void onClosed(WebSocket ws, int code, String reason) {
    clientClosed();
  }

  @Override
  public void onFailure(WebSocket ws, Throwable t, Response response) {
    clientClosed();
  }

  private void clientClosed() {
    closed = true;
    finish();
  }

  /** Closes the pod's connection after the writes queued before. */
  private void finish() {
    try {
      writer.execute(this::closeTarget);
      writer.shutdown();
    } catch (RejectedExecutionException e) {
      // already finished
    }
  }

  private void closeTarget() {
    Socket s = target;
    if (s != null) {
      closeQuietly(s);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}

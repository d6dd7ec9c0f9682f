package dev.intercept.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One sidecar-like connection to the proxy held open across long-polls (HTTP/1.1 keep-alive), read
 * without blocking the test: {@link #ready} says when an answer has started to arrive.
 */
public final class PollSocket implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final String token;

  public PollSocket(int port, String token) throws IOException {
    this.socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(10_000);
    this.in = socket.getInputStream();
    this.token = token;
  }

  /** Sends {@code GET /api/v1/apps/APP/routes?since=V&wait=S}; the answer comes later. */
  public PollSocket poll(String app, long since, int waitSeconds) throws IOException {
    String req =
        "GET /api/v1/apps/"
            + app
            + "/routes?since="
            + since
            + "&wait="
            + waitSeconds
            + " HTTP/1.1\r\nHost: proxy\r\nAuthorization: Bearer "
            + token
            + "\r\n\r\n";
    socket.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return this;
  }

  /** Sends {@code request} as it is (one or several requests, pipelined). */
  public PollSocket raw(String request) throws IOException {
    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return this;
  }

  /** True when the answer (or the end of the stream) has begun to arrive. */
  public boolean ready() {
    try {
      return in.available() > 0;
    } catch (IOException e) {
      return true;
    }
  }

  /** Reads one answer: status line, headers, a Content-Length body. */
  public Http.Response read() {
    try {
      String head = readHead();
      int status = Integer.parseInt(head.split(" ")[1]);
      int length = 0;
      for (String line : head.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      byte[] body = in.readNBytes(length);
      return new Http.Response(status, new String(body, StandardCharsets.UTF_8), head);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      b.write(c);
      int n = b.size();
      byte[] a = b.toByteArray();
      if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
        return new String(a, 0, n - 4, StandardCharsets.ISO_8859_1);
      }
    }
    throw new IOException("connection closed before an answer: '" + b + "'");
  }

  /** True when the proxy has closed the connection (after reading any answer). */
  public boolean closedByPeer() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

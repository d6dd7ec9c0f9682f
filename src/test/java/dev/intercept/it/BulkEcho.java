package dev.intercept.it;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A bulk upload to the echo role, read back as it streams: a chunked POST of NUL bytes written as
 * fast as the path takes them for a while, and the chunked answer read at the same time. Counts the
 * NUL bytes that came back (the echo's text head has none).
 */
final class BulkEcho {
  private BulkEcho() {}

  /** Uploads for {@code ms}; returns {bytes sent, NUL bytes echoed}. */
  static long[] run(int port, String path, long ms) throws Exception {
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(30_000);
      CompletableFuture<Long> echoed =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return readEchoed(new BufferedInputStream(s.getInputStream(), 1 << 16));
                } catch (IOException e) {
                  throw new CompletionException(e);
                }
              });
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST " + path + " HTTP/1.1\r\nHost: bulk\r\nTransfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      byte[] size =
          (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
      long sent = 0;
      long end = System.nanoTime() + ms * 1_000_000;
      while (System.nanoTime() < end) {
        out.write(size);
        out.write(chunk);
        out.write(crlf);
        sent += chunk.length;
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new long[] {sent, echoed.join()};
    }
  }

  private static long readEchoed(InputStream in) throws IOException {
    String status = line(in);
    if (!status.startsWith("HTTP/1.1 200")) {
      throw new IOException("answer: " + status);
    }
    while (!line(in).isEmpty()) {
      // headers: the echo answers chunked
    }
    long nul = 0;
    byte[] buf = new byte[64 * 1024];
    while (true) {
      int n = Integer.parseInt(line(in).split(";")[0].trim(), 16);
      if (n == 0) {
        return nul;
      }
      while (n > 0) {
        int r = in.read(buf, 0, Math.min(n, buf.length));
        if (r < 0) {
          throw new IOException("answer cut short");
        }
        for (int i = 0; i < r; i++) {
          if (buf[i] == 0) {
            nul++;
          }
        }
        n -= r;
      }
      line(in);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        b.append((char) c);
      }
    }
    if (c < 0 && b.isEmpty()) {
      throw new IOException("connection closed");
    }
    return b.toString();
  }
}

package dev.intercept.it.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.x on a socket, byte by byte, for what client libraries hide: several responses on one
 * connection, an interim 100 before the body is sent, events read as they arrive, HTTP/1.0.
 */
final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** A response: status line and headers as received, the body de-chunked. */
  record Response(String head, String body) {
    int status() {
      return Integer.parseInt(head.split(" ")[1]);
    }

    boolean chunked() {
      return head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked");
    }
  }

  RawHttp(int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(15_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  void send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** The status line and headers of the next response (an interim one too). */
  String readHead() throws IOException {
    StringBuilder b = new StringBuilder();
    while (!b.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed after '" + b + "'");
      }
      b.append((char) c);
    }
    return b.substring(0, b.length() - 4);
  }

  /** One whole response framed by Content-Length or chunks; HTTP/1.0-style: up to the close. */
  Response readResponse() throws IOException {
    String head = readHead();
    Response framing = new Response(head, "");
    String lower = head.toLowerCase(Locale.ROOT);
    if (framing.chunked()) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      String chunk;
      while (!(chunk = readChunk()).isEmpty()) {
        body.writeBytes(chunk.getBytes(StandardCharsets.ISO_8859_1));
      }
      return new Response(head, body.toString(StandardCharsets.UTF_8));
    }
    int at = lower.indexOf("content-length:");
    if (at >= 0) {
      int end = lower.indexOf("\r\n", at);
      int length =
          Integer.parseInt(lower.substring(at + 15, end < 0 ? lower.length() : end).trim());
      return new Response(head, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }
    return new Response(head, new String(in.readAllBytes(), StandardCharsets.UTF_8));
  }

  /** The next chunk of a chunked body ("" at its end, trailers skipped). */
  String readChunk() throws IOException {
    String size = readLine();
    int n = Integer.parseInt(size.split(";")[0].trim(), 16);
    if (n == 0) {
      while (!readLine().isEmpty()) {
        // trailers
      }
      return "";
    }
    String data = new String(in.readNBytes(n), StandardCharsets.ISO_8859_1);
    readLine();
    return data;
  }

  private String readLine() throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  /** True when the peer has closed the connection (reads end). */
  boolean closedByPeer() throws IOException {
    return in.read() < 0;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

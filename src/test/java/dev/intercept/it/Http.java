package dev.intercept.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Plain HTTP/1.1 over a socket, so a test can send the Host the seed's curl sends. */
public final class Http {
  private Http() {}

  /** {@code head}: the status line and headers, as received. */
  public record Response(int status, String body, String head) {
    public Response(int status, String body) {
      this(status, body, "");
    }

    /** The first value of a response header, or null. */
    public String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }

    public String firstLine() {
      int nl = body.indexOf('\n');
      return nl < 0 ? body : body.substring(0, nl);
    }
  }

  public static Response get(int port, String path, String... headers) throws IOException {
    return send(port, "GET", path, null, headers);
  }

  public static Response send(int port, String method, String path, byte[] body, String... headers)
      throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(20_000);
      StringBuilder req =
          new StringBuilder(
              method + " " + path + " HTTP/1.1\r\nHost: the-app\r\nConnection: close\r\n");
      for (int i = 0; i + 1 < headers.length; i += 2) {
        req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
      }
      if (body != null) {
        req.append("Content-Length: ").append(body.length).append("\r\n");
      }
      req.append("\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      return parse(s.getInputStream());
    }
  }

  private static Response parse(InputStream in) throws IOException {
    byte[] all = in.readAllBytes();
    String raw = new String(all, StandardCharsets.ISO_8859_1);
    int headEnd = raw.indexOf("\r\n\r\n");
    if (headEnd < 0) {
      throw new IOException("no HTTP response: '" + raw + "'");
    }
    String head = raw.substring(0, headEnd);
    int status = Integer.parseInt(head.split(" ")[1]);
    String rest = raw.substring(headEnd + 4);
    if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
      rest = dechunk(rest);
    }
    return new Response(
        status,
        new String(rest.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8),
        head);
  }

  private static String dechunk(String s) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int i = 0;
    while (true) {
      int nl = s.indexOf("\r\n", i);
      int size = Integer.parseInt(s.substring(i, nl).trim().split(";")[0], 16);
      if (size == 0) {
        break;
      }
      byte[] chunk = s.substring(nl + 2, nl + 2 + size).getBytes(StandardCharsets.ISO_8859_1);
      b.write(chunk, 0, chunk.length);
      i = nl + 2 + size + 2;
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * Free loopback ports for a forward-port pool (bound and released: the OS hands out others next).
   */
  /**
   * {@code n} ports free now, for a process to bind later, drawn from below the kernel's ephemeral
   * range (32768 and up here): a port from that range, once released, can be handed to any outgoing
   * connection or port-0 listener before its owner binds it ("Address already in use").
   */
  public static String freePorts(int n) throws IOException {
    StringBuilder b = new StringBuilder();
    Set<Integer> picked = new HashSet<>();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int tries = 0; picked.size() < n; tries++) {
      if (tries > 10_000) {
        throw new IOException("no free port found below 32768");
      }
      int port = random.nextInt(12_000, 32_000);
      if (picked.contains(port)) {
        continue;
      }
      try (ServerSocket ss = new ServerSocket()) {
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      } catch (IOException taken) {
        continue;
      }
      b.append(picked.isEmpty() ? "" : ",").append(port);
      picked.add(port);
    }
    return b.toString();
  }
}

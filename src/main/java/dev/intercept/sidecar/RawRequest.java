package dev.intercept.sidecar;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A request head read from a client's bytes ({@link RequestHead}) and already rewritten as it goes
 * upstream: the request line as sent, the client's headers but the hop-by-hop ones and those the
 * plane sets, then x-forwarded-for, x-forwarded-proto, x-envoy-external-address, x-request-id (if
 * the client sent none) and x-envoy-expected-rq-timeout-ms. Routes match on this head, as they
 * match the decoded request after its rewrite. Its body, if any, follows as the bytes the client
 * sent, then {@link #END}.
 */
final class RawRequest {
  /** The end of a raw request's body, after its last bytes. */
  static final Object END = new Object();

  /** The head to send upstream (owned by this request until written or released). */
  final ByteBuf head;

  /** Its body's length, or {@link ResponseHead#CHUNKED}. */
  final long length;

  /** The client's connection ends after this request's response (Connection: close). */
  final boolean close;

  final boolean headMethod;

  /** A bodiless GET, HEAD or OPTIONS: sent once more if its upstream goes away unanswered. */
  final boolean retriable;

  private final int methodEnd;
  private final int pathEnd;

  RawRequest(
      ByteBuf head,
      int methodEnd,
      int pathEnd,
      long length,
      boolean close,
      boolean headMethod,
      boolean idempotent) {
    this.head = head;
    this.methodEnd = methodEnd;
    this.pathEnd = pathEnd;
    this.length = length;
    this.close = close;
    this.headMethod = headMethod;
    this.retriable = idempotent && length == 0;
  }

  /** Request values as Envoy matches them: pseudo-headers, then headers joined with ','. */
  String value(String name) {
    int from = head.readerIndex();
    return switch (name) {
      case ":path" -> ascii(from + methodEnd + 1, pathEnd - methodEnd - 1);
      case ":method" -> ascii(from, methodEnd);
      case ":scheme" -> "http";
      case ":authority" -> header("host");
      default -> header(name);
    };
  }

  private String ascii(int at, int n) {
    return head.toString(at, n, StandardCharsets.ISO_8859_1);
  }

  private String header(String name) {
    byte[] lower = name.getBytes(StandardCharsets.ISO_8859_1);
    String found = null;
    int end = head.writerIndex() - head.readerIndex();
    byte[] h = HeadBytes.copy(head, head.readerIndex(), head.writerIndex());
    int p = HeadBytes.indexOf(h, 0, end, (byte) '\n') + 1;
    while (p > 0 && p < end) {
      int lf = HeadBytes.indexOf(h, p, end, (byte) '\n');
      if (lf < 0) {
        break;
      }
      int colon = HeadBytes.indexOf(h, p, lf, (byte) ':');
      if (colon > p && HeadBytes.is(h, p, colon - p, lower)) {
        int v = HeadBytes.skipSpace(h, colon + 1, lf);
        // lines here end in CRLF
        String value = new String(h, v, Math.max(0, lf - 1 - v), StandardCharsets.ISO_8859_1);
        found = found == null ? value : found + "," + value;
      }
      p = lf + 1;
    }
    return found;
  }
}

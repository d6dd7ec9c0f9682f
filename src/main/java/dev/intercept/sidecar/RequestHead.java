package dev.intercept.sidecar;

import static dev.intercept.sidecar.HeadBytes.is;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Reads an HTTP/1.1 request head from a client's bytes in one pass and writes the head the upstream
 * gets ({@link RawRequest}). Only the plain requests: anything else returns null and goes to the
 * strict decoder, which refuses what Envoy refuses (400, 431, 414) or decodes the rest as before.
 * Null, so decoded, for: HTTP/1.0 or any version but 1.1; a line before the request line; an
 * obsolete line fold; a header name that is not a token or a value with a control byte; more than
 * one Content-Length or Host; a Transfer-Encoding other than {@code chunked} alone; both framings
 * at once; a Connection header naming anything but close or keep-alive; Upgrade; Expect; a gRPC
 * content type (it goes over HTTP/2). So every case where smuggling could hide is the strict
 * decoder's, as it was.
 */
final class RequestHead {
  private static final byte[] HTTP11 = ascii(" HTTP/1.1");
  private static final byte[] HOST = ascii("host");
  private static final byte[] CONTENT_LENGTH = ascii("content-length");
  private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
  private static final byte[] CHUNKED = ascii("chunked");
  private static final byte[] CONNECTION = ascii("connection");
  private static final byte[] CONTENT_TYPE = ascii("content-type");
  private static final byte[] GRPC = ascii("application/grpc");
  private static final byte[] UPGRADE = ascii("upgrade");
  private static final byte[] EXPECT = ascii("expect");
  private static final byte[] TE = ascii("te");
  private static final byte[] TRAILERS = ascii("trailers");
  private static final byte[] XFF = ascii("x-forwarded-for");
  private static final byte[] X_REQUEST_ID = ascii("x-request-id");
  private static final byte[] CLOSE = ascii("close");
  private static final byte[] KEEP_ALIVE = ascii("keep-alive");
  private static final byte[][] DROPPED = {
    ascii("proxy-connection"),
    ascii("http2-settings"),
    ascii("x-forwarded-proto"),
    ascii("x-envoy-external-address"),
    ascii("x-envoy-expected-rq-timeout-ms"),
  };
  private static final byte[] XFF_LINE = ascii("\r\nx-forwarded-for: ");
  private static final byte[] HEAD_UPPER = ascii("HEAD");
  private static final byte[] GET_UPPER = ascii("GET");
  private static final byte[] OPTIONS_UPPER = ascii("OPTIONS");
  private static final byte[] REST =
      ascii("\r\nx-forwarded-proto: http\r\nx-envoy-external-address: ");
  private static final byte[] REQUEST_ID_LINE = ascii("\r\nx-request-id: ");
  private static final byte[] TIMEOUT_LINE = ascii("\r\nx-envoy-expected-rq-timeout-ms: ");
  private static final byte[] COMMA = ascii(", ");
  private static final byte[] CRLF_CRLF = ascii("\r\n\r\n");

  private RequestHead() {}

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The request whose head is in {@code b} from {@code start} to {@code end} (from {@link
   * ResponseHead#end}), rewritten for the upstream; null if the strict decoder must read it. {@code
   * peer}: the client's address; {@code timeout}: the route timeout's header value, in ASCII.
   */
  static RawRequest parse(
      ByteBuf b, int start, int end, byte[] peer, byte[] timeout, ByteBufAllocator alloc) {
    int n = end - start;
    byte[] h = HeadBytes.copy(b, start, end);
    int lf = HeadBytes.indexOf(h, 0, n, (byte) '\n');
    int lineEnd = HeadBytes.lineStop(h, 0, lf);
    int sp = HeadBytes.indexOf(h, 0, lineEnd, (byte) ' ');
    int target = sp + 1;
    int sp2 = lineEnd - HTTP11.length;
    if (sp <= 0 || !HeadBytes.token(h, 0, sp) || sp2 <= target) {
      return null;
    }
    if (!HeadBytes.startsWith(h, sp2, HTTP11) || !HeadBytes.visible(h, target, sp2)) {
      return null;
    }
    ByteBuf out = alloc.buffer(n + 192 + 2 * peer.length);
    out.writeBytes(h, 0, sp2).writeBytes(HTTP11, 0, HTTP11.length);
    Scan s = new Scan();
    if (!headers(h, lf + 1, n, out, s)) {
      out.release();
      return null;
    }
    out.writeBytes(XFF_LINE);
    if (s.xff != null) {
      out.writeBytes(s.xff).writeBytes(COMMA);
      s.xff.release();
    }
    out.writeBytes(peer).writeBytes(REST).writeBytes(peer);
    if (!s.requestId) {
      out.writeBytes(REQUEST_ID_LINE).writeBytes(RequestIds.bytes());
    }
    out.writeBytes(TIMEOUT_LINE).writeBytes(timeout).writeBytes(CRLF_CRLF);
    // methods are case-sensitive: HEAD is not head
    boolean head = sp == 4 && HeadBytes.startsWith(h, 0, HEAD_UPPER);
    boolean idempotent =
        head
            || (sp == 3 && HeadBytes.startsWith(h, 0, GET_UPPER))
            || (sp == 7 && HeadBytes.startsWith(h, 0, OPTIONS_UPPER));
    long length = s.chunked ? ResponseHead.CHUNKED : Math.max(s.length, 0);
    return new RawRequest(out, sp, sp2, length, s.close, head, idempotent);
  }

  /** What the header lines said. */
  private static final class Scan {
    long length = -1;
    boolean chunked;
    boolean close;
    boolean host;
    boolean requestId;
    ByteBuf xff;
  }

  /** Copies the header lines that cross; false (nothing to release) if the head is not plain. */
  private static boolean headers(byte[] h, int p, int end, ByteBuf out, Scan s) {
    boolean ok = true;
    while (ok && p < end) {
      int lf = HeadBytes.indexOf(h, p, end, (byte) '\n');
      int stop = HeadBytes.lineStop(h, p, lf);
      if (stop == p) {
        break;
      }
      int colon = HeadBytes.indexOf(h, p, stop, (byte) ':');
      if (colon <= p || !HeadBytes.token(h, p, colon)) {
        ok = false;
        break;
      }
      int v = HeadBytes.skipSpace(h, colon + 1, stop);
      int ve = HeadBytes.trimEnd(h, v, stop);
      ok = HeadBytes.text(h, v, ve) && header(h, p, colon - p, v, ve, out, s);
      p = lf + 1;
    }
    if (!ok || (s.chunked && s.length >= 0)) {
      if (s.xff != null) {
        s.xff.release();
      }
      return false;
    }
    return true;
  }

  /** One header: noted, copied or dropped; false if the head is not plain. */
  private static boolean header(byte[] h, int p, int n, int v, int ve, ByteBuf out, Scan s) {
    boolean copy = true;
    if (is(h, p, n, HOST)) {
      if (s.host) {
        return false;
      }
      s.host = true;
    } else if (is(h, p, n, CONTENT_LENGTH)) {
      if (s.length >= 0) {
        return false;
      }
      s.length = HeadBytes.number(h, v, ve);
      if (s.length < 0) {
        return false;
      }
    } else if (is(h, p, n, TRANSFER_ENCODING)) {
      if (s.chunked || !is(h, v, ve - v, CHUNKED)) {
        return false;
      }
      s.chunked = true;
    } else if (is(h, p, n, CONNECTION)) {
      if (!connection(h, v, ve, s)) {
        return false;
      }
      copy = false;
    } else if (is(h, p, n, UPGRADE) || is(h, p, n, EXPECT)) {
      return false;
    } else if (is(h, p, n, CONTENT_TYPE)) {
      if (ve - v >= GRPC.length && is(h, v, GRPC.length, GRPC)) {
        return false;
      }
    } else if (is(h, p, n, TE)) {
      copy = is(h, v, ve - v, TRAILERS);
    } else if (is(h, p, n, XFF)) {
      if (s.xff == null) {
        s.xff = out.alloc().buffer(ve - v + 32);
      } else {
        s.xff.writeByte(',');
      }
      s.xff.writeBytes(h, v, ve - v);
      copy = false;
    } else if (is(h, p, n, X_REQUEST_ID)) {
      s.requestId = true;
    } else if (is(h, p, n, KEEP_ALIVE)) {
      copy = false;
    } else {
      for (byte[] d : DROPPED) {
        if (is(h, p, n, d)) {
          copy = false;
          break;
        }
      }
    }
    if (copy) {
      out.writeByte('\r').writeByte('\n').writeBytes(h, p, n).writeByte(':').writeByte(' ');
      out.writeBytes(h, v, ve - v);
    }
    return true;
  }

  /** Connection: close and keep-alive only; any other option or name is the decoder's. */
  private static boolean connection(byte[] h, int v, int ve, Scan s) {
    int i = v;
    while (i <= ve) {
      int comma = HeadBytes.indexOf(h, i, ve, (byte) ',');
      int e = comma < 0 ? ve : comma;
      int t0 = HeadBytes.skipSpace(h, i, e);
      int t1 = HeadBytes.trimEnd(h, t0, e);
      if (is(h, t0, t1 - t0, CLOSE)) {
        s.close = true;
      } else if (t1 > t0 && !is(h, t0, t1 - t0, KEEP_ALIVE)) {
        return false;
      }
      i = e + 1;
    }
    return true;
  }
}

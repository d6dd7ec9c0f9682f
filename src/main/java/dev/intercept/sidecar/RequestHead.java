package dev.intercept.sidecar;

import static dev.intercept.sidecar.ResponseHead.is;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ByteProcessor;
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
    int lf = b.forEachByte(start, end - start, ByteProcessor.FIND_LF);
    int lineEnd = lf > start && b.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    int sp = b.forEachByte(start, lineEnd - start, ByteProcessor.FIND_ASCII_SPACE);
    int target = sp + 1;
    int sp2 = lineEnd - HTTP11.length;
    if (sp <= start || !ResponseHead.token(b, start, sp) || sp2 <= target) {
      return null;
    }
    if (!ResponseHead.startsWith(b, sp2, HTTP11) || !visible(b, target, sp2)) {
      return null;
    }
    ByteBuf out = alloc.buffer(end - start + 192 + 2 * peer.length);
    out.writeBytes(b, start, sp2 - start).writeBytes(HTTP11, 0, HTTP11.length);
    Scan s = new Scan();
    if (!headers(b, lf + 1, end, out, s)) {
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
    int methodEnd = sp - start;
    // methods are case-sensitive: HEAD is not head
    boolean head = ResponseHead.startsWith(b, start, HEAD_UPPER) && methodEnd == 4;
    boolean idempotent =
        head
            || (methodEnd == 3 && ResponseHead.startsWith(b, start, GET_UPPER))
            || (methodEnd == 7 && ResponseHead.startsWith(b, start, OPTIONS_UPPER));
    long length = s.chunked ? ResponseHead.CHUNKED : Math.max(s.length, 0);
    return new RawRequest(out, methodEnd, sp2 - start, length, s.close, head, idempotent);
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
  private static boolean headers(ByteBuf b, int p, int end, ByteBuf out, Scan s) {
    boolean ok = true;
    while (ok && p < end) {
      int lf = b.forEachByte(p, end - p, ByteProcessor.FIND_LF);
      int stop = lf > p && b.getByte(lf - 1) == '\r' ? lf - 1 : lf;
      if (stop == p) {
        break;
      }
      int colon = b.forEachByte(p, stop - p, c -> c != ':');
      if (colon <= p || !ResponseHead.token(b, p, colon)) {
        ok = false;
        break;
      }
      int v = colon + 1;
      while (v < stop && (b.getByte(v) == ' ' || b.getByte(v) == '\t')) {
        v++;
      }
      int ve = stop;
      while (ve > v && (b.getByte(ve - 1) == ' ' || b.getByte(ve - 1) == '\t')) {
        ve--;
      }
      ok = ResponseHead.text(b, v, ve) && header(b, p, colon - p, v, ve, out, s);
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
  private static boolean header(ByteBuf b, int p, int n, int v, int ve, ByteBuf out, Scan s) {
    boolean copy = true;
    if (is(b, p, n, HOST)) {
      if (s.host) {
        return false;
      }
      s.host = true;
    } else if (is(b, p, n, CONTENT_LENGTH)) {
      if (s.length >= 0) {
        return false;
      }
      s.length = ResponseHead.number(b, v, ve);
      if (s.length < 0) {
        return false;
      }
    } else if (is(b, p, n, TRANSFER_ENCODING)) {
      if (s.chunked || !is(b, v, ve - v, CHUNKED)) {
        return false;
      }
      s.chunked = true;
    } else if (is(b, p, n, CONNECTION)) {
      if (!connection(b, v, ve, s)) {
        return false;
      }
      copy = false;
    } else if (is(b, p, n, UPGRADE) || is(b, p, n, EXPECT)) {
      return false;
    } else if (is(b, p, n, CONTENT_TYPE)) {
      if (ve - v >= GRPC.length && is(b, v, GRPC.length, GRPC)) {
        return false;
      }
    } else if (is(b, p, n, TE)) {
      copy = is(b, v, ve - v, TRAILERS);
    } else if (is(b, p, n, XFF)) {
      if (s.xff == null) {
        s.xff = out.alloc().buffer(ve - v + 32);
      } else {
        s.xff.writeByte(',');
      }
      s.xff.writeBytes(b, v, ve - v);
      copy = false;
    } else if (is(b, p, n, X_REQUEST_ID)) {
      s.requestId = true;
    } else if (is(b, p, n, KEEP_ALIVE)) {
      copy = false;
    } else {
      for (byte[] d : DROPPED) {
        if (is(b, p, n, d)) {
          copy = false;
          break;
        }
      }
    }
    if (copy) {
      out.writeByte('\r').writeByte('\n').writeBytes(b, p, n).writeByte(':').writeByte(' ');
      out.writeBytes(b, v, ve - v);
    }
    return true;
  }

  /** Connection: close and keep-alive only; any other option or name is the decoder's. */
  private static boolean connection(ByteBuf b, int v, int ve, Scan s) {
    int i = v;
    while (i <= ve) {
      int comma = i < ve ? b.forEachByte(i, ve - i, ByteProcessor.FIND_COMMA) : -1;
      int e = comma < 0 ? ve : comma;
      int t0 = i;
      while (t0 < e && (b.getByte(t0) == ' ' || b.getByte(t0) == '\t')) {
        t0++;
      }
      int t1 = e;
      while (t1 > t0 && (b.getByte(t1 - 1) == ' ' || b.getByte(t1 - 1) == '\t')) {
        t1--;
      }
      if (is(b, t0, t1 - t0, CLOSE)) {
        s.close = true;
      } else if (t1 > t0 && !is(b, t0, t1 - t0, KEEP_ALIVE)) {
        return false;
      }
      i = e + 1;
    }
    return true;
  }

  /** The request target: visible ASCII only. */
  private static boolean visible(ByteBuf b, int from, int to) {
    for (int i = from; i < to; i++) {
      byte c = b.getByte(i);
      if (c <= 0x20 || c == 0x7f) {
        return false;
      }
    }
    return true;
  }
}

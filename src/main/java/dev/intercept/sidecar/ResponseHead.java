package dev.intercept.sidecar;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;

/**
 * An upstream's HTTP/1.1 response head read from its bytes, for the plane to relay as bytes to an
 * HTTP/1.1 client: the status, how the body is framed, whether the upstream closes after it, and
 * the head as it goes on (hop-by-hop headers dropped as {@link ForwardedHeaders#stripHopByHop}
 * drops them, {@code connection: close} added when the client's connection ends with this
 * response). Only the plain cases: anything else (an interim or 101 answer, HTTP/1.0, a body
 * delimited by the connection's end, conflicting framing, a header Netty's codec would refuse, an
 * obsolete line fold) makes {@link #parse} return null, and the plane decodes that response with
 * Netty's codec as before. One per upstream connection, reused: not thread-safe.
 */
final class ResponseHead {
  static final long CHUNKED = -1;
  private static final long NONE = -2;

  private static final byte[] HTTP11 = ascii("HTTP/1.1 ");
  private static final byte[] CONTENT_LENGTH = ascii("content-length");
  private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
  private static final byte[] CHUNKED_VALUE = ascii("chunked");
  private static final byte[] CONNECTION = ascii("connection");
  private static final byte[] KEEP_ALIVE = ascii("keep-alive");
  private static final byte[] PROXY_CONNECTION = ascii("proxy-connection");
  private static final byte[] HTTP2_SETTINGS = ascii("http2-settings");
  private static final byte[] UPGRADE = ascii("upgrade");
  private static final byte[] TE = ascii("te");
  private static final byte[] TRAILERS = ascii("trailers");
  private static final byte[] CLOSE = ascii("close");
  private static final byte[] CONNECTION_CLOSE = ascii("connection: close\r\n");

  private static final ByteProcessor FIND_COLON = new ByteProcessor.IndexOfProcessor((byte) ':');

  /** The status code of the last head parsed. */
  int status;

  /** Its body's length in bytes, or {@link #CHUNKED}. */
  long length;

  /** The upstream closes its connection after this response. */
  boolean close;

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The index just past the blank line ending a head that starts at {@code from}, or -1 if the
   * bytes up to {@code to} hold no complete head. Lines may end in CRLF or a bare LF.
   */
  static int end(ByteBuf b, int from, int to) {
    int i = from;
    while (i < to) {
      int lf = b.forEachByte(i, to - i, ByteProcessor.FIND_LF);
      if (lf < 0) {
        return -1;
      }
      if (lf + 1 < to && b.getByte(lf + 1) == '\n') {
        return lf + 2;
      }
      if (lf + 2 < to && b.getByte(lf + 1) == '\r' && b.getByte(lf + 2) == '\n') {
        return lf + 3;
      }
      i = lf + 1;
    }
    return -1;
  }

  /**
   * Reads the head in {@code b} from {@code start} to {@code end} (from {@link #end}) and returns
   * the head to send on (a new buffer with {@code room} bytes to spare), or null if this response
   * is not one the plane relays as bytes. {@code headRequest}: it answers a HEAD (no body, whatever
   * its headers say); {@code keepAlive}: the client's connection stays open after it.
   */
  ByteBuf parse(
      ByteBuf b,
      int start,
      int end,
      boolean headRequest,
      boolean keepAlive,
      ByteBufAllocator alloc) {
    int lineEnd = b.forEachByte(start, end - start, ByteProcessor.FIND_LF);
    if (lineEnd - start < 12 || !startsWith(b, start, HTTP11)) {
      return null;
    }
    status = digit(b, start + 9) * 100 + digit(b, start + 10) * 10 + digit(b, start + 11);
    byte after = b.getByte(start + 12);
    if (status < 200 || status > 999 || (after != ' ' && after != '\r' && after != '\n')) {
      return null;
    }
    ByteBuf out = alloc.buffer(end - start + CONNECTION_CLOSE.length + 2 + room(b, end));
    if (!copyHeaders(b, start, lineEnd, end, out)) {
      out.release();
      return null;
    }
    boolean bodiless = headRequest || status == 204 || status == 304;
    if (length == NONE && !chunked && !bodiless) {
      out.release(); // delimited by the connection's end: the codec re-frames it
      return null;
    }
    length = bodiless ? 0 : chunked ? CHUNKED : length;
    if (!keepAlive) {
      out.writeBytes(CONNECTION_CLOSE);
    }
    out.writeByte('\r').writeByte('\n');
    return out;
  }

  private boolean chunked;

  /** Room for a small body after the head, so a whole short response goes in one buffer. */
  private static int room(ByteBuf b, int end) {
    int after = b.writerIndex() - end;
    return after <= 4096 ? after : 0;
  }

  /** The status line and the headers that cross; false for a head the plane does not relay. */
  private boolean copyHeaders(ByteBuf b, int start, int lineEnd, int end, ByteBuf out) {
    length = NONE;
    chunked = false;
    close = false;
    boolean transferEncoding = false;
    line(b, start, lineEnd, out);
    int p = lineEnd + 1;
    while (p < end) {
      int lf = b.forEachByte(p, end - p, ByteProcessor.FIND_LF);
      int stop = lf > p && b.getByte(lf - 1) == '\r' ? lf - 1 : lf;
      if (stop == p) {
        break; // the blank line
      }
      int colon = b.forEachByte(p, stop - p, FIND_COLON);
      if (colon <= p || !token(b, p, colon)) {
        return false; // also an obsolete line fold: it starts with a space
      }
      int v = colon + 1;
      while (v < stop && (b.getByte(v) == ' ' || b.getByte(v) == '\t')) {
        v++;
      }
      int ve = stop;
      while (ve > v && (b.getByte(ve - 1) == ' ' || b.getByte(ve - 1) == '\t')) {
        ve--;
      }
      if (!text(b, v, ve)) {
        return false;
      }
      int n = colon - p;
      if (is(b, p, n, CONTENT_LENGTH)) {
        long l = number(b, v, ve);
        if (l < 0 || (length != NONE && length != l)) {
          return false;
        }
        length = l;
      } else if (is(b, p, n, TRANSFER_ENCODING)) {
        if (transferEncoding || !is(b, v, ve - v, CHUNKED_VALUE)) {
          return false; // codings other than chunked alone: the codec's business
        }
        transferEncoding = chunked = true;
      } else if (is(b, p, n, CONNECTION)) {
        close |= hasToken(b, v, ve, CLOSE);
        p = lf + 1;
        continue;
      } else if (is(b, p, n, KEEP_ALIVE)
          || is(b, p, n, PROXY_CONNECTION)
          || is(b, p, n, HTTP2_SETTINGS)
          || is(b, p, n, UPGRADE)
          || (is(b, p, n, TE) && !is(b, v, ve - v, TRAILERS))) {
        p = lf + 1;
        continue;
      }
      line(b, p, stop, out);
      p = lf + 1;
    }
    // both framings at once: the codec's (and Envoy's) call, not a byte relay's
    return !(transferEncoding && length != NONE);
  }

  private static void line(ByteBuf b, int from, int lf, ByteBuf out) {
    int stop = lf > from && b.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    out.writeBytes(b, from, stop - from).writeByte('\r').writeByte('\n');
  }

  static boolean startsWith(ByteBuf b, int at, byte[] s) {
    for (int i = 0; i < s.length; i++) {
      if (b.getByte(at + i) != s[i]) {
        return false;
      }
    }
    return true;
  }

  private static int digit(ByteBuf b, int at) {
    int d = b.getByte(at) - '0';
    return d >= 0 && d <= 9 ? d : -1000;
  }

  /** Case-insensitive comparison with a lower-case ASCII name. */
  static boolean is(ByteBuf b, int at, int n, byte[] lower) {
    if (n != lower.length) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      int c = b.getByte(at + i);
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != lower[i]) {
        return false;
      }
    }
    return true;
  }

  /** A decimal length (digits only, at most 18 of them), or -1. */
  static long number(ByteBuf b, int from, int to) {
    if (from == to || to - from > 18) {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = b.getByte(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  /** Whether a comma-separated list holds {@code lower} as one of its tokens. */
  static boolean hasToken(ByteBuf b, int from, int to, byte[] lower) {
    int i = from;
    while (i < to) {
      int comma = b.forEachByte(i, to - i, ByteProcessor.FIND_COMMA);
      int e = comma < 0 ? to : comma;
      int s = i;
      while (s < e && (b.getByte(s) == ' ' || b.getByte(s) == '\t')) {
        s++;
      }
      int t = e;
      while (t > s && (b.getByte(t - 1) == ' ' || b.getByte(t - 1) == '\t')) {
        t--;
      }
      if (is(b, s, t - s, lower)) {
        return true;
      }
      i = e + 1;
    }
    return false;
  }

  /** RFC 9110 token characters: what a header name may hold. */
  static boolean token(ByteBuf b, int from, int to) {
    for (int i = from; i < to; i++) {
      int c = b.getByte(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** A header value's bytes: visible characters, spaces and tabs, no other control character. */
  static boolean text(ByteBuf b, int from, int to) {
    for (int i = from; i < to; i++) {
      int c = b.getByte(i) & 0xff;
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return false;
      }
    }
    return true;
  }
}

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
    int n = end - start;
    byte[] h = HeadBytes.copy(b, start, end);
    int lineEnd = HeadBytes.indexOf(h, 0, n, (byte) '\n');
    if (lineEnd < 12 || !HeadBytes.startsWith(h, 0, HTTP11)) {
      return null;
    }
    status = digit(h[9]) * 100 + digit(h[10]) * 10 + digit(h[11]);
    byte after = h[12];
    if (status < 200 || status > 999 || (after != ' ' && after != '\r' && after != '\n')) {
      return null;
    }
    ByteBuf out = alloc.buffer(n + CONNECTION_CLOSE.length + 2 + room(b, end));
    if (!copyHeaders(h, lineEnd, n, out)) {
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

  /**
   * The status line and the headers that cross, from the head's bytes {@code h} (its status line
   * ending at {@code lineEnd}, the head at {@code end}); false for a head the plane does not relay.
   */
  private boolean copyHeaders(byte[] h, int lineEnd, int end, ByteBuf out) {
    length = NONE;
    chunked = false;
    close = false;
    boolean transferEncoding = false;
    line(h, 0, lineEnd, out);
    int p = lineEnd + 1;
    while (p < end) {
      int lf = HeadBytes.indexOf(h, p, end, (byte) '\n');
      int stop = HeadBytes.lineStop(h, p, lf);
      if (stop == p) {
        break; // the blank line
      }
      int colon = HeadBytes.indexOf(h, p, stop, (byte) ':');
      if (colon <= p || !HeadBytes.token(h, p, colon)) {
        return false; // also an obsolete line fold: it starts with a space
      }
      int v = HeadBytes.skipSpace(h, colon + 1, stop);
      int ve = HeadBytes.trimEnd(h, v, stop);
      if (!HeadBytes.text(h, v, ve)) {
        return false;
      }
      int n = colon - p;
      if (HeadBytes.is(h, p, n, CONTENT_LENGTH)) {
        long l = HeadBytes.number(h, v, ve);
        if (l < 0 || (length != NONE && length != l)) {
          return false;
        }
        length = l;
      } else if (HeadBytes.is(h, p, n, TRANSFER_ENCODING)) {
        if (transferEncoding || !HeadBytes.is(h, v, ve - v, CHUNKED_VALUE)) {
          return false; // codings other than chunked alone: the codec's business
        }
        transferEncoding = chunked = true;
      } else if (HeadBytes.is(h, p, n, CONNECTION)) {
        close |= HeadBytes.hasToken(h, v, ve, CLOSE);
        p = lf + 1;
        continue;
      } else if (HeadBytes.is(h, p, n, KEEP_ALIVE)
          || HeadBytes.is(h, p, n, PROXY_CONNECTION)
          || HeadBytes.is(h, p, n, HTTP2_SETTINGS)
          || HeadBytes.is(h, p, n, UPGRADE)
          || (HeadBytes.is(h, p, n, TE) && !HeadBytes.is(h, v, ve - v, TRAILERS))) {
        p = lf + 1;
        continue;
      }
      line(h, p, stop, out);
      p = lf + 1;
    }
    // both framings at once: the codec's (and Envoy's) call, not a byte relay's
    return !(transferEncoding && length != NONE);
  }

  private static void line(byte[] h, int from, int lf, ByteBuf out) {
    int stop = HeadBytes.lineStop(h, from, lf);
    out.writeBytes(h, from, stop - from).writeByte('\r').writeByte('\n');
  }

  private static int digit(byte c) {
    int d = c - '0';
    return d >= 0 && d <= 9 ? d : -1000;
  }
}

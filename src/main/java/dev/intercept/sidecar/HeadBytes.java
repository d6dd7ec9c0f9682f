package dev.intercept.sidecar;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The scanning of an HTTP/1 head ({@link RequestHead}, {@link ResponseHead}) on a copy of its bytes
 * in an array: one bulk copy out of the (direct) buffer, then plain array reads the JIT compiles to
 * tight loops, where each {@code ByteBuf.getByte} checked the index and the buffer's reference
 * count (measured: those checks were the single largest item of the sidecar's profile under load).
 * The array is one per event-loop thread, reused.
 */
final class HeadBytes {
  private static final int KEPT = 16 * 1024;
  private static final boolean[] TOKEN = new boolean[256];

  static {
    for (int c = 'a'; c <= 'z'; c++) {
      TOKEN[c] = true;
      TOKEN[c - 'a' + 'A'] = true;
    }
    for (int c = '0'; c <= '9'; c++) {
      TOKEN[c] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TOKEN[c] = true;
    }
  }

  private static final FastThreadLocal<byte[]> SCRATCH =
      new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
          return new byte[1024];
        }
      };

  private HeadBytes() {}

  /**
   * The bytes of {@code b} from {@code from} to {@code to}, copied to the start of this thread's
   * array (valid until the next call on this thread).
   */
  static byte[] copy(ByteBuf b, int from, int to) {
    int n = to - from;
    byte[] a = SCRATCH.get();
    if (a.length < n) {
      a = new byte[Math.max(n, a.length * 2)];
      if (a.length <= KEPT) {
        SCRATCH.set(a);
      }
    }
    b.getBytes(from, a, 0, n);
    return a;
  }

  /** The index of {@code c} in {@code a} from {@code from} to {@code to}, or -1. */
  static int indexOf(byte[] a, int from, int to, byte c) {
    for (int i = from; i < to; i++) {
      if (a[i] == c) {
        return i;
      }
    }
    return -1;
  }

  static boolean startsWith(byte[] a, int at, byte[] s) {
    if (at + s.length > a.length) {
      return false;
    }
    for (int i = 0; i < s.length; i++) {
      if (a[at + i] != s[i]) {
        return false;
      }
    }
    return true;
  }

  /** Case-insensitive comparison with a lower-case ASCII name. */
  static boolean is(byte[] a, int at, int n, byte[] lower) {
    if (n != lower.length) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      int c = a[at + i];
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
  static long number(byte[] a, int from, int to) {
    if (from == to || to - from > 18) {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = a[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  /** RFC 9110 token characters: what a header name or a method may hold. */
  static boolean token(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!TOKEN[a[i] & 0xff]) {
        return false;
      }
    }
    return true;
  }

  /** A header value's bytes: visible characters, spaces and tabs, no other control character. */
  static boolean text(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      int c = a[i] & 0xff;
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** Visible ASCII only (a request target). */
  static boolean visible(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      byte c = a[i];
      if (c <= 0x20 || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** The first index from {@code from} that is not a space or tab (at most {@code to}). */
  static int skipSpace(byte[] a, int from, int to) {
    int i = from;
    while (i < to && (a[i] == ' ' || a[i] == '\t')) {
      i++;
    }
    return i;
  }

  /** {@code to} less the spaces and tabs that end the range (at least {@code from}). */
  static int trimEnd(byte[] a, int from, int to) {
    int i = to;
    while (i > from && (a[i - 1] == ' ' || a[i - 1] == '\t')) {
      i--;
    }
    return i;
  }

  /** Whether a comma-separated list holds {@code lower} as one of its tokens. */
  static boolean hasToken(byte[] a, int from, int to, byte[] lower) {
    int i = from;
    while (i < to) {
      int comma = indexOf(a, i, to, (byte) ',');
      int e = comma < 0 ? to : comma;
      int s = skipSpace(a, i, e);
      int t = trimEnd(a, s, e);
      if (is(a, s, t - s, lower)) {
        return true;
      }
      i = e + 1;
    }
    return false;
  }

  /** The end of the line (its LF) starting at {@code p}, less a CR before it. */
  static int lineStop(byte[] a, int p, int lf) {
    return lf > p && a[lf - 1] == '\r' ? lf - 1 : lf;
  }
}

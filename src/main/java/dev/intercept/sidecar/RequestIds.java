package dev.intercept.sidecar;

import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * x-request-id values as Envoy makes them: a random version-4 UUID. From the thread's own generator
 * rather than {@code UUID.randomUUID()}, whose SecureRandom costs more than the rest of a request
 * (a request id is a correlation token, not a secret), and written straight into ASCII bytes.
 */
final class RequestIds {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private RequestIds() {}

  static AsciiString next() {
    return new AsciiString(bytes(), false);
  }

  /** A new id's 36 ASCII bytes. */
  static byte[] bytes() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    byte[] b = new byte[36];
    hex(hi >>> 32, b, 0, 8);
    b[8] = '-';
    hex(hi >>> 16, b, 9, 4);
    b[13] = '-';
    hex(hi, b, 14, 4);
    b[18] = '-';
    hex(lo >>> 48, b, 19, 4);
    b[23] = '-';
    hex(lo, b, 24, 12);
    return b;
  }

  /** The low {@code digits} hex digits of {@code v} into {@code b} at {@code at}. */
  private static void hex(long v, byte[] b, int at, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      b[at + i] = HEX[(int) (v & 0xF)];
      v >>>= 4;
    }
  }
}

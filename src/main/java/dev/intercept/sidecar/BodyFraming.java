package dev.intercept.sidecar;

import io.netty.buffer.ByteBuf;

/**
 * Follows an HTTP/1.1 body's framing over raw bytes, without keeping them: a length, or chunks
 * (size lines with extensions, data, CRLF) and trailers. It only tells where the message's bytes
 * end and how many body bytes they held, so the bytes can go on as they came. Not thread-safe.
 */
final class BodyFraming {
  private static final int MAX_LINE = 4096;

  private enum State {
    DONE,
    FIXED,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_CRLF,
    TRAILERS
  }

  private State state = State.DONE;
  private long left;
  private long chunkSize;
  private boolean sizeDigits;
  private boolean sizeExtension;
  private int lineLength;
  private boolean cr;

  /** Body bytes the last {@link #scan} passed over (chunk data only, for chunked bodies). */
  long bodyBytes;

  /**
   * A body of {@code length} bytes, or chunked if {@code length} is {@link ResponseHead#CHUNKED}.
   */
  void begin(long length) {
    if (length == ResponseHead.CHUNKED) {
      state = State.CHUNK_SIZE;
      newChunk();
    } else {
      state = length == 0 ? State.DONE : State.FIXED;
      left = length;
    }
  }

  /** The message's body has ended (or none was begun). */
  boolean done() {
    return state == State.DONE;
  }

  /**
   * Follows the bytes of {@code b} from {@code i} to {@code to}: returns where this message's bytes
   * end ({@code to} if it goes on past them, less if it ends within), or -1 for framing that is not
   * HTTP/1.1's.
   */
  int scan(ByteBuf b, int i, int to) {
    bodyBytes = 0;
    while (i < to) {
      switch (state) {
        case FIXED, CHUNK_DATA -> {
          int n = (int) Math.min(left, to - i);
          i += n;
          left -= n;
          bodyBytes += n;
          if (left == 0) {
            if (state == State.FIXED) {
              state = State.DONE;
              return i;
            }
            state = State.CHUNK_CRLF;
            lineLength = 0;
          }
        }
        case CHUNK_SIZE -> {
          if (!chunkSize(b.getByte(i++))) {
            return -1;
          }
        }
        case CHUNK_CRLF -> {
          byte c = b.getByte(i++);
          if (c == '\n') {
            state = State.CHUNK_SIZE;
            newChunk();
          } else if (c != '\r' || ++lineLength > 1) {
            return -1;
          }
        }
        case TRAILERS -> {
          byte c = b.getByte(i++);
          if (cr && c != '\n') {
            return -1; // a CR alone: lines end in CRLF or LF, nothing else
          }
          cr = c == '\r';
          if (c == '\n') {
            if (lineLength == 0) {
              state = State.DONE;
              return i;
            }
            lineLength = 0;
          } else if (c != '\r' && ++lineLength > StrictRequestDecoder.MAX_HEAD) {
            return -1;
          }
        }
        default -> {
          return i;
        }
      }
    }
    return i;
  }

  private void newChunk() {
    chunkSize = 0;
    sizeDigits = false;
    sizeExtension = false;
    lineLength = 0;
    cr = false;
  }

  /** One byte of a chunk-size line (hex digits, then an extension, then CRLF); false if bad. */
  private boolean chunkSize(byte c) {
    if (++lineLength > MAX_LINE || (cr && c != '\n')) {
      return false;
    }
    cr = c == '\r';
    if (c == '\n') {
      if (!sizeDigits) {
        return false;
      }
      if (chunkSize == 0) {
        state = State.TRAILERS;
        lineLength = 0;
      } else {
        state = State.CHUNK_DATA;
        left = chunkSize;
      }
      return true;
    }
    int d = Character.digit(c, 16);
    if (!sizeExtension && d >= 0) {
      if (chunkSize > (Long.MAX_VALUE >> 5)) {
        return false;
      }
      chunkSize = chunkSize * 16 + d;
      sizeDigits = true;
      return true;
    }
    if (c == ';' || c == ' ' || c == '\t' || c == '\r') {
      sizeExtension = true;
      return sizeDigits;
    }
    // inside an extension any visible byte goes; a control byte does not
    return sizeExtension && (c >= 0x20 || c == '\t' || c < 0);
  }
}

package dev.intercept.client;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Follows one direction of an HTTP/1.x connection byte by byte without keeping the bytes: it
 * collects each message's head (capped), then skips its body as the head frames it (Content-Length,
 * chunked, or to the end of the connection), so a keep-alive connection's next message is found.
 * Whatever it cannot follow (not HTTP/1, a head over the cap, a bad chunk size) turns it off for
 * the rest of the connection: it only watches, it never changes the stream.
 */
final class MessageFramer {
  static final int MAX_HEAD = 32 * 1024;

  /** What the framer found: a message head, with how its body is framed. */
  interface Heads {
    /**
     * A complete head. Returns how many body bytes follow: -1 chunked, -2 until the connection
     * ends, else that many (0: none).
     */
    long head(String startLine, String contentLength, String transferEncoding);
  }

  private enum State {
    HEAD,
    BODY,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_CRLF,
    TRAILERS,
    TO_END,
    OFF
  }

  private final Heads heads;
  private final byte[] head = new byte[MAX_HEAD];
  private int headLength;
  private State state = State.HEAD;
  private long left;
  private final StringBuilder line = new StringBuilder();

  MessageFramer(Heads heads) {
    this.heads = heads;
  }

  /** Stops following (an upgrade to another protocol, or what could not be followed). */
  void off() {
    state = State.OFF;
  }

  boolean isOff() {
    return state == State.OFF;
  }

  void feed(byte[] b, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end && state != State.OFF && state != State.TO_END) {
      switch (state) {
        case HEAD -> i = inHead(b, i, end);
        case BODY -> {
          int n = (int) Math.min(left, end - i);
          i += n;
          left -= n;
          if (left == 0) {
            state = State.HEAD;
          }
        }
        case CHUNK_SIZE, TRAILERS, CHUNK_CRLF -> i = inLine(b, i, end);
        case CHUNK_DATA -> {
          int n = (int) Math.min(left, end - i);
          i += n;
          left -= n;
          if (left == 0) {
            state = State.CHUNK_CRLF;
          }
        }
        default -> i = end;
      }
    }
  }

  private int inHead(byte[] b, int i, int end) {
    while (i < end) {
      if (headLength == MAX_HEAD) {
        state = State.OFF;
        return end;
      }
      byte c = b[i++];
      head[headLength++] = c;
      if (c == '\n' && endsHead()) {
        String text = new String(head, 0, headLength, StandardCharsets.ISO_8859_1);
        headLength = 0;
        if (text.isBlank()) {
          continue; // a stray CRLF between messages
        }
        parsed(text);
        return i;
      }
    }
    return i;
  }

  private boolean endsHead() {
    int n = headLength;
    return (n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r')
        || (n >= 2 && head[n - 2] == '\n');
  }

  private void parsed(String text) {
    String[] lines = text.split("\r?\n");
    String cl = null;
    String te = null;
    for (int k = 1; k < lines.length; k++) {
      int colon = lines[k].indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = lines[k].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[k].substring(colon + 1).trim();
      if (name.equals("content-length")) {
        cl = value;
      } else if (name.equals("transfer-encoding")) {
        te = te == null ? value : te + "," + value;
      }
    }
    long body = heads.head(lines[0], cl, te);
    if (state == State.OFF) {
      return; // the listener turned it off (an upgrade)
    }
    if (body == -1) {
      state = State.CHUNK_SIZE;
    } else if (body == -2) {
      state = State.TO_END;
    } else if (body > 0) {
      left = body;
      state = State.BODY;
    } else {
      state = State.HEAD;
    }
  }

  /** A chunk-size line, the CRLF after a chunk, or a trailer line. */
  private int inLine(byte[] b, int i, int end) {
    while (i < end) {
      char c = (char) (b[i++] & 0xff);
      if (c != '\n') {
        if (line.length() > 4096) {
          state = State.OFF;
          return end;
        }
        line.append(c);
        continue;
      }
      String l = line.toString().trim();
      line.setLength(0);
      switch (state) {
        case CHUNK_CRLF -> state = State.CHUNK_SIZE;
        case TRAILERS -> {
          if (l.isEmpty()) {
            state = State.HEAD;
          }
        }
        default -> chunkSize(l);
      }
      return i;
    }
    return i;
  }

  private void chunkSize(String l) {
    int semi = l.indexOf(';');
    try {
      long size = Long.parseLong(semi < 0 ? l : l.substring(0, semi).trim(), 16);
      if (size < 0) {
        throw new NumberFormatException();
      }
      if (size == 0) {
        state = State.TRAILERS;
      } else {
        left = size;
        state = State.CHUNK_DATA;
      }
    } catch (NumberFormatException e) {
      state = State.OFF;
    }
  }
}

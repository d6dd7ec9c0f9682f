package dev.intercept.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The raw request decoder in front of the real strict decoder, fed bytes the way a socket might
 * deliver them (whole, split anywhere, one byte at a time); what reaches the next handler is read
 * back from the channel.
 */
class RawRequestDecoderTest {
  private static EmbeddedChannel channel() {
    EmbeddedChannel ch =
        new EmbeddedChannel() {
          @Override
          protected SocketAddress remoteAddress0() {
            return new InetSocketAddress("10.1.2.3", 40000);
          }
        };
    ch.pipeline()
        .addLast(new RawRequestDecoder("15000".getBytes(StandardCharsets.US_ASCII), false))
        .addLast(new StrictRequestDecoder());
    return ch;
  }

  private static void feed(EmbeddedChannel ch, String bytes, int pieceSize) {
    byte[] b = bytes.getBytes(StandardCharsets.ISO_8859_1);
    for (int at = 0; at < b.length && ch.isOpen(); at += pieceSize) {
      ch.writeInbound(Unpooled.wrappedBuffer(b, at, Math.min(pieceSize, b.length - at)));
    }
  }

  /** What came out: a head's text, a body piece's text, END, or a decoded request's URI. */
  private static List<String> out(EmbeddedChannel ch) {
    List<String> seen = new ArrayList<>();
    Object m;
    while ((m = ch.readInbound()) != null) {
      if (m instanceof RawRequest r) {
        seen.add("head " + r.value(":method") + " " + r.value(":path") + " " + r.length);
        r.head.release();
      } else if (m == RawRequest.END) {
        seen.add("END");
      } else if (m instanceof HttpRequest req) {
        seen.add("decoded " + req.uri() + (req.decoderResult().isFailure() ? " failed" : ""));
      } else if (m instanceof HttpContent c) {
        String s = c.content().toString(StandardCharsets.ISO_8859_1);
        if (!s.isEmpty()) {
          seen.add("body " + s);
        }
        c.release();
      }
    }
    return seen;
  }

  /** Body pieces as one string, so the split of the input does not matter. */
  private static List<String> joined(List<String> seen) {
    List<String> out = new ArrayList<>();
    for (String s : seen) {
      if (s.startsWith("body ") && !out.isEmpty() && out.get(out.size() - 1).startsWith("body ")) {
        out.set(out.size() - 1, out.get(out.size() - 1) + s.substring(5));
      } else {
        out.add(s);
      }
    }
    return out;
  }

  private static final String PIPELINED =
      "POST /one HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "5;ext=1\r\nhello\r\n3\r\nabc\r\n0\r\nTrailer: x\r\n\r\n"
          + "GET /two HTTP/1.1\r\nHost: a\r\n\r\n"
          + "PUT /three HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nwxyz";

  @Test
  void pipelinedRequestsWithBothFramingsWhateverTheReadsSplit() {
    List<String> expected =
        List.of(
            "head POST /one -1",
            "body 5;ext=1\r\nhello\r\n3\r\nabc\r\n0\r\nTrailer: x\r\n\r\n",
            "END",
            "head GET /two 0",
            "head PUT /three 4",
            "body wxyz",
            "END");
    for (int piece : new int[] {PIPELINED.length(), 1, 2, 7, 61}) {
      EmbeddedChannel ch = channel();
      feed(ch, PIPELINED, piece);
      assertEquals(expected, joined(out(ch)), "read in pieces of " + piece);
      assertFalse(ch.finishAndReleaseAll());
    }
  }

  @Test
  void smugglingAttemptsGoToTheStrictDecoderWhichRefusesThem() {
    EmbeddedChannel ch = channel();
    feed(ch, "GET /ok HTTP/1.1\r\nHost: a\r\n\r\n", 5);
    feed(
        ch,
        "POST /s HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n",
        9);
    List<String> seen = out(ch);
    assertEquals("head GET /ok 0", seen.get(0));
    assertEquals("decoded /s failed", seen.get(1), seen.toString());
    assertFalse(seen.toString().contains("/smuggled"), seen.toString());
    ch.finishAndReleaseAll();
  }

  @Test
  void anHttp10RequestAndEverythingAfterItAreDecoded() {
    EmbeddedChannel ch = channel();
    feed(ch, "GET /old HTTP/1.0\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n", 3);
    List<String> seen = out(ch);
    assertEquals(List.of("decoded /old", "decoded /next"), seen);
    ch.finishAndReleaseAll();
  }

  @Test
  void aHeadOverTheLimitIsTheStrictDecodersToRefuse() {
    EmbeddedChannel ch = channel();
    String huge = "GET /big HTTP/1.1\r\nX: " + "a".repeat(StrictRequestDecoder.MAX_HEAD + 10);
    feed(ch, huge, 4096);
    feed(ch, "\r\n\r\n", 4);
    List<String> seen = out(ch);
    assertEquals(List.of("decoded /big failed"), seen.subList(0, 1), seen.toString());
    ch.finishAndReleaseAll();
  }

  @Test
  void aChunkedBodyWhoseFramingBreaksClosesTheConnection() {
    for (String bad : new String[] {"zz\r\n", "5\rX\n", "5\r\nhelloXY", "-1\r\n"}) {
      EmbeddedChannel ch = channel();
      feed(ch, "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + bad, 3);
      List<String> seen = out(ch);
      assertEquals("head POST /c -1", seen.get(0), bad);
      assertFalse(seen.contains("END"), bad);
      assertFalse(ch.isOpen(), bad);
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void bodyBytesAreNeverReadAsAHead() {
    EmbeddedChannel ch = channel();
    String body = "GET /inside HTTP/1.1\r\n\r\n";
    feed(ch, "POST /b HTTP/1.1\r\nContent-Length: " + body.length() + "\r\n\r\n" + body, 11);
    List<String> seen = joined(out(ch));
    assertEquals(List.of("head POST /b " + body.length(), "body " + body, "END"), seen);
    assertNull(ch.readInbound());
    ch.finishAndReleaseAll();
  }
}

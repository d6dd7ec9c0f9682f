package dev.intercept.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The response head reader and the body framing the byte relay follows. */
class ResponseHeadTest {
  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  private static String parse(ResponseHead h, String head, boolean headRequest, boolean keepAlive) {
    ByteBuf b = bytes(head);
    int end = ResponseHead.end(b, 0, b.writerIndex());
    assertTrue(end > 0);
    ByteBuf out = h.parse(b, 0, end, headRequest, keepAlive, ByteBufAllocator.DEFAULT);
    if (out == null) {
      return null;
    }
    String s = out.toString(StandardCharsets.ISO_8859_1);
    out.release();
    return s;
  }

  @Test
  void dropsHopByHopHeadersAndTellsTheFraming() {
    ResponseHead h = new ResponseHead();
    String out =
        parse(
            h,
            "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 18\r\nConnection: keep-alive\r\n"
                + "Keep-Alive: timeout=5\r\nUpgrade: h2\r\nTE: gzip\r\n\r\n",
            false,
            true);
    assertEquals("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 18\r\n\r\n", out);
    assertEquals(18, h.length);
    assertFalse(h.close);
    out =
        parse(
            h,
            "HTTP/1.1 404 Nope\nTransfer-Encoding: chunked\nConnection: close\n\n",
            false,
            false);
    assertEquals(
        "HTTP/1.1 404 Nope\r\nTransfer-Encoding: chunked\r\nconnection: close\r\n\r\n", out);
    assertEquals(ResponseHead.CHUNKED, h.length);
    assertTrue(h.close);
    assertNotNull(parse(h, "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", true, true));
    assertEquals(0, h.length, "a HEAD's answer has no body");
    assertNotNull(parse(h, "HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n", false, true));
    assertEquals(0, h.length);
  }

  /** Each of these is decoded by Netty's codec, as every response was before. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "HTTP/1.1 100 Continue\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
        "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n",
        "HTTP/1.1 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n folded\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nX: a\u0001\r\n\r\n",
        "HTTP/1.1 2x0 OK\r\nContent-Length: 1\r\n\r\n",
      })
  void leavesToTheCodec(String head) {
    assertNull(parse(new ResponseHead(), head, false, true), head);
  }

  @Test
  void followsChunksExtensionsAndTrailersSplitAnywhere() {
    String body = "5;a=b\r\nhello\r\n1\r\n!\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT";
    int end = body.indexOf("NEXT");
    for (int piece = 1; piece <= body.length(); piece++) {
      BodyFraming f = new BodyFraming();
      f.begin(ResponseHead.CHUNKED);
      ByteBuf b = bytes(body);
      long data = 0;
      int at = 0;
      while (!f.done()) {
        int to = Math.min(at + piece, b.writerIndex());
        int stop = f.scan(b, at, to);
        data += f.bodyBytes;
        at = stop;
      }
      assertEquals(end, at, "pieces of " + piece);
      assertEquals(6, data);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"x\r\n", "\r\n", "5\rX\n", "5\r\nhelloX\r\n", "5\r\nhello\r\n0\r\nT\rX\n"})
  void refusesBrokenChunks(String body) {
    BodyFraming f = new BodyFraming();
    f.begin(ResponseHead.CHUNKED);
    assertEquals(-1, f.scan(bytes(body), 0, body.length()), body);
  }

  @Test
  void refusesAnEndlessChunkSizeLine() {
    BodyFraming f = new BodyFraming();
    f.begin(ResponseHead.CHUNKED);
    String line = "1;" + "e".repeat(5000);
    assertEquals(-1, f.scan(bytes(line), 0, line.length()));
    f.begin(ResponseHead.CHUNKED);
    String huge = "fffffffffffffffff\r\n";
    assertEquals(-1, f.scan(bytes(huge), 0, huge.length()));
  }

  @Test
  void aLengthEndsWhereItSays() {
    BodyFraming f = new BodyFraming();
    f.begin(4);
    assertEquals(2, f.scan(bytes("ab"), 0, 2));
    assertFalse(f.done());
    assertEquals(2, f.scan(bytes("cdEF"), 0, 4));
    assertTrue(f.done());
    assertEquals(2, f.bodyBytes);
  }
}

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

/** The request head scanner: what it rewrites, and every head it leaves to the strict decoder. */
class RequestHeadTest {
  private static final byte[] PEER = "10.1.2.3".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TIMEOUT = "15000".getBytes(StandardCharsets.US_ASCII);

  static RawRequest parse(String head) {
    ByteBuf b = Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1);
    int end = ResponseHead.end(b, 0, b.writerIndex());
    assertTrue(end > 0, "a complete head");
    return RequestHead.parse(b, 0, end, PEER, TIMEOUT, ByteBufAllocator.DEFAULT);
  }

  private static String text(RawRequest r) {
    String s = r.head.toString(StandardCharsets.ISO_8859_1);
    r.head.release();
    return s;
  }

  @Test
  void rewritesThePlainRequestAsTheDecodedPathDoes() {
    RawRequest r =
        parse(
            "GET /a/b?c=d HTTP/1.1\r\nHost: the-app\r\nConnection: keep-alive\r\n"
                + "X-Forwarded-For: 1.1.1.1\r\nx-forwarded-for: 2.2.2.2\r\nX-Forwarded-Proto: https\r\n"
                + "Keep-Alive: 5\r\nProxy-Connection: x\r\nTE: gzip\r\nx-dev:  me \r\n\r\n");
    assertNotNull(r);
    assertEquals("/a/b?c=d", r.value(":path"));
    assertEquals("GET", r.value(":method"));
    assertEquals("the-app", r.value(":authority"));
    assertEquals("me", r.value("x-dev"));
    assertEquals("1.1.1.1,2.2.2.2, 10.1.2.3", r.value("x-forwarded-for"));
    assertTrue(r.retriable);
    assertFalse(r.close);
    assertEquals(0, r.length);
    String s = text(r);
    assertTrue(s.startsWith("GET /a/b?c=d HTTP/1.1\r\nHost: the-app\r\nx-dev: me\r\n"), s);
    assertTrue(s.contains("\r\nx-forwarded-proto: http\r\n"), s);
    assertTrue(s.contains("\r\nx-envoy-external-address: 10.1.2.3\r\n"), s);
    assertTrue(s.contains("\r\nx-request-id: "), s);
    assertTrue(s.endsWith("\r\nx-envoy-expected-rq-timeout-ms: 15000\r\n\r\n"), s);
    for (String gone : new String[] {"onnection", "eep-alive", "https", "TE:", "X-Forwarded"}) {
      assertFalse(s.contains(gone), gone + " in " + s);
    }
  }

  @Test
  void keepsTheClientsRequestIdAndTeTrailers() {
    String s =
        text(parse("POST /x HTTP/1.1\nx-request-id: abc\nte: trailers\ncontent-length: 7\n\n"));
    assertEquals(1, s.split("x-request-id", -1).length - 1, s);
    assertTrue(s.contains("\r\nte: trailers\r\n"), s);
    RawRequest r =
        parse("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    assertEquals(ResponseHead.CHUNKED, r.length);
    assertTrue(r.close);
    assertFalse(r.retriable);
    text(r);
    RawRequest head = parse("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
    assertTrue(head.headMethod && head.retriable);
    text(head);
  }

  /** Each of these goes to the strict decoder, which refuses it or decodes it as before. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "GET / HTTP/1.0\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.2\r\n\r\n",
        "GET / http/1.1\r\n\r\n",
        "GET  / HTTP/1.1\r\n\r\n",
        "GET /a b HTTP/1.1\r\n\r\n",
        "G(T / HTTP/1.1\r\n\r\n",
        "\r\nGET / HTTP/1.1\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 0x5\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding : chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding:\tchunked\u000b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "GET / HTTP/1.1\r\nX: a\u0000b\r\n\r\n",
        "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",
        "GET / HTTP/1.1\r\n: empty name\r\n\r\n",
        "GET / HTTP/1.1\r\nno colon\r\n\r\n",
        "GET / HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
        "GET / HTTP/1.1\r\nUpgrade: h2c\r\n\r\n",
        "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Type: application/grpc+proto\r\n\r\n",
        "GET / HTTP/1.1\r\nConnection: close, x-forwarded-for\r\n\r\n",
      })
  void leavesToTheStrictDecoder(String head) {
    assertNull(parse(head), head);
  }
}

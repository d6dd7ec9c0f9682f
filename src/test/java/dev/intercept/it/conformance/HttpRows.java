package dev.intercept.it.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.OnContext;
import dev.intercept.it.Http;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The HTTP rows of the matrix, each with a real client (Vert.x, or a raw socket where needed). */
final class HttpRows {
  private static final Pattern CONN = Pattern.compile(" conn=(\\d+)");
  private final Vertx vertx;
  private final OnContext calls;

  HttpRows(Vertx vertx) {
    this.vertx = vertx;
    this.calls = new OnContext(vertx);
  }

  /** Three requests on one client connection, answered on one upstream connection. */
  void keepAlive(Target t) throws Exception {
    try (RawHttp c = new RawHttp(t.sidecar())) {
      String conn = null;
      for (int i = 0; i < 3; i++) {
        c.send("GET /echo HTTP/1.1\r\nHost: the-app\r\n" + t.rawHeader() + "\r\n");
        RawHttp.Response r = c.readResponse();
        assertEquals(200, r.status(), r.head());
        assertTrue(r.body().startsWith("served-by=" + t.servedBy() + " "), r.body());
        Matcher m = CONN.matcher(r.body());
        assertTrue(m.find(), r.body());
        assertTrue(conn == null || conn.equals(m.group(1)), "one upstream connection: " + r.body());
        conn = m.group(1);
      }
    }
  }

  /** 8 MiB up in chunks and back chunked, then 4 MiB with a Content-Length: byte for byte. */
  void largeBodies(Target t) throws Exception {
    HttpClient client = vertx.createHttpClient();
    byte[] big = new byte[8 << 20];
    new Random(13).nextBytes(big);
    String chunkedBack =
        calls.await(
            () ->
                client
                    .request(post(t, "/echo"))
                    .compose(
                        req -> {
                          req.setChunked(true);
                          // the echo answers while the upload goes on: take the answer's body
                          // from its head on (a handler set only after end() missed the chunks
                          // that came before it, and the test failed on the client's side)
                          Future<Buffer> body = req.response().compose(resp -> resp.body());
                          for (int at = 0; at < big.length; at += 65_536) {
                            req.write(Buffer.buffer(big).getBuffer(at, at + 65_536));
                          }
                          req.end();
                          return body;
                        })
                    .map(b -> b.toString("ISO-8859-1")));
    assertEchoed(t, chunkedBack, big);
    byte[] sized = Arrays.copyOf(big, 4 << 20);
    String lengthBack =
        calls.await(
            () ->
                client
                    .request(post(t, "/echo"))
                    .compose(req -> req.send(Buffer.buffer(sized)))
                    .compose(resp -> resp.body())
                    .map(b -> b.toString("ISO-8859-1")));
    assertEchoed(t, lengthBack, sized);
  }

  private static void assertEchoed(Target t, String answer, byte[] sent) throws Exception {
    int nl = answer.indexOf('\n');
    assertTrue(answer.startsWith("served-by=" + t.servedBy() + " "), answer.substring(0, nl));
    byte[] back = answer.substring(nl + 1).getBytes("ISO-8859-1");
    assertEquals(sent.length, back.length, "echoed length");
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    assertEquals(
        Base64.getEncoder().encodeToString(sha.digest(sent)),
        Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(back)),
        "echoed bytes");
  }

  private static RequestOptions post(Target t, String path) {
    RequestOptions o =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost("127.0.0.1")
            .setPort(t.sidecar())
            .setURI(path);
    if (t.selects()) {
      o.putHeader(t.selectHeader(), t.selectValue());
    }
    return o;
  }

  /** The 100 comes before the body is sent; the body then reaches the upstream. */
  void expectContinue(Target t) throws Exception {
    try (RawHttp c = new RawHttp(t.sidecar())) {
      c.send(
          "POST /echo HTTP/1.1\r\nHost: the-app\r\nContent-Length: 11\r\n"
              + "Expect: 100-continue\r\n"
              + t.rawHeader()
              + "\r\n");
      String interim = c.readHead();
      assertTrue(interim.startsWith("HTTP/1.1 100"), interim);
      c.send("hello world");
      RawHttp.Response r = c.readResponse();
      assertEquals(200, r.status(), r.head());
      assertTrue(r.body().startsWith("served-by=" + t.servedBy() + " "), r.body());
      assertTrue(r.body().endsWith("hello world"), r.body());
    }
  }

  /** Each event arrives before the server sends the next (the server waits for an ack). */
  void serverSentEvents(Target t) throws Exception {
    try (RawHttp c = new RawHttp(t.sidecar())) {
      c.send(
          "GET /sse HTTP/1.1\r\nHost: the-app\r\nAccept: text/event-stream\r\n"
              + t.rawHeader()
              + "\r\n");
      String head = c.readHead();
      assertTrue(head.startsWith("HTTP/1.1 200"), head);
      assertTrue(head.toLowerCase().contains("text/event-stream"), head);
      assertEquals("data: served-by=" + t.servedBy() + "\n\n", c.readChunk());
      for (int n = 1; n <= 3; n++) {
        assertEquals(200, Http.get(t.server(), "/sse-ack").status());
        assertEquals("data: event " + n + "\n\n", c.readChunk(), "event " + n + " as it came");
      }
      assertEquals("", c.readChunk(), "the end of the stream");
    }
  }

  /** The handshake passes, then frames both ways. */
  void webSocket(Target t) throws Exception {
    WebSocketClient ws = vertx.createWebSocketClient();
    BlockingQueue<String> got = new ArrayBlockingQueue<>(16);
    WebSocketConnectOptions o =
        new WebSocketConnectOptions().setHost("127.0.0.1").setPort(t.sidecar()).setURI("/ws");
    if (t.selects()) {
      o.addHeader(t.selectHeader(), t.selectValue());
    }
    var socket = calls.await(() -> ws.connect(o).onSuccess(s -> s.textMessageHandler(got::add)));
    assertEquals("served-by=" + t.servedBy(), got.poll(10, TimeUnit.SECONDS));
    for (String m : List.of("one", "two", "three")) {
      calls.await(() -> socket.writeTextMessage(m));
      assertEquals("echo:" + m, got.poll(10, TimeUnit.SECONDS));
    }
    calls.await(socket::close);
  }

  /**
   * h2c with prior knowledge: HTTP/2 to the client, and to the upstream (the client's preface says
   * the app speaks it: APPPROTOCOL http, detected).
   */
  void h2cPriorKnowledge(Target t) throws Exception {
    String body =
        h2(
            t,
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false),
            "prior knowledge");
    assertTrue(body.contains(" proto=HTTP_2 "), "h2c upstream: " + body);
  }

  /** {@code Upgrade: h2c}: HTTP/2 to the client after the first request; HTTP/1.1 upstream. */
  void h2cUpgrade(Target t) throws Exception {
    String body =
        h2(
            t,
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(true),
            "upgrade");
    assertTrue(body.contains(" proto=HTTP_1_1 "), "HTTP/1.1 upstream (APPPROTOCOL http): " + body);
  }

  private String h2(Target t, HttpClientOptions options, String label) throws Exception {
    HttpClient client = vertx.createHttpClient(options);
    String last = null;
    for (int i = 0; i < 3; i++) {
      String body =
          calls.await(
              () ->
                  client
                      .request(post(t, "/echo"))
                      .compose(req -> req.send("ping " + label))
                      .compose(
                          resp -> {
                            assertEquals(
                                HttpVersion.HTTP_2, resp.version(), "spoken to the client");
                            return resp.body();
                          })
                      .map(Buffer::toString));
      assertTrue(body.startsWith("served-by=" + t.servedBy() + " "), body);
      assertTrue(body.endsWith("ping " + label), body);
      last = body;
    }
    return last;
  }

  /** HTTP/1.0: no chunks in the answer, which ends with the connection. */
  void http10(Target t) throws Exception {
    try (RawHttp c = new RawHttp(t.sidecar())) {
      c.send("GET /echo HTTP/1.0\r\n" + t.rawHeader() + "\r\n");
      RawHttp.Response r = c.readResponse();
      assertEquals(200, r.status(), r.head());
      assertFalse(r.chunked(), "HTTP/1.0 has no chunked framing: " + r.head());
      assertTrue(r.body().startsWith("served-by=" + t.servedBy() + " "), r.body());
      assertTrue(r.body().contains(" method=GET"), r.body());
    }
  }
}

package dev.intercept.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The T: lines of a forwarded connection, from the bytes as they pass, whatever the split: keep-
 * alive with bodies framed every way, HEAD, 1xx, 204, close-delimited answers, upgrades, h2c.
 */
class ExchangeTapTest {
  private long now;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Feeds each side in pieces of random sizes (1..max), interleaved as a real exchange would. */
  private List<String> run(List<String[]> exchange, int max, long seed) {
    List<String> lines = new ArrayList<>();
    ExchangeTap tap = new ExchangeTap("localhost:8080", lines::add, () -> now);
    Random r = new Random(seed);
    for (String[] step : exchange) {
      byte[] data = b(step[1]);
      int i = 0;
      while (i < data.length) {
        int n = Math.min(data.length - i, 1 + r.nextInt(max));
        if (step[0].equals(">")) {
          tap.fromCluster(data, i, n);
        } else {
          tap.fromLocal(data, i, n);
        }
        i += n;
      }
      now += 3_000_000; // 3 ms per step
    }
    tap.closed();
    return lines;
  }

  private void check(List<String[]> exchange, List<String> expected) {
    for (int max : new int[] {1, 2, 7, 64, 100_000}) {
      for (long seed = 0; seed < 5; seed++) {
        now = 0;
        assertEquals(expected, run(exchange, max, seed), "pieces up to " + max);
      }
    }
  }

  @Test
  void keepAliveExchangesWithBodiesFramedEveryWay() {
    check(
        List.of(
            new String[] {">", "GET /ark3 HTTP/1.1\r\nHost: a\r\n\r\n"},
            new String[] {"<", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"},
            new String[] {
              ">",
              "POST /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nT: 1\r\n\r\n"
            },
            new String[] {
              "<",
              "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nHTTP\r\n0\r\n\r\n"
            },
            new String[] {">", "HEAD /h HTTP/1.1\r\n\r\n"},
            new String[] {"<", "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"},
            new String[] {
              ">", "PUT /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"
            },
            new String[] {"<", "HTTP/1.1 100 Continue\r\n\r\n"},
            new String[] {">", "abc"},
            new String[] {"<", "HTTP/1.1 204 No Content\r\n\r\n"},
            new String[] {">", "GET /stream HTTP/1.1\r\n\r\n"},
            new String[] {
              "<", "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: 1\n\n"
            },
            new String[] {"<", "data: HTTP/1.1 500 not a head\n\n"}),
        List.of(
            "GET /ark3 → localhost:8080 200 3 ms",
            "POST /up → localhost:8080 201 3 ms",
            "HEAD /h → localhost:8080 200 3 ms",
            "PUT /e → localhost:8080 204 9 ms",
            "GET /stream → localhost:8080 200 3 ms"));
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderAndUnansweredOnesSaidAtClose() {
    check(
        List.of(
            new String[] {
              ">", "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\nGET /c HTTP/1.1\r\n\r\n"
            },
            new String[] {
              "<", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 404 Not Found\r\n"
            },
            new String[] {"<", "Content-Length: 0\r\n\r\n"}),
        List.of(
            "GET /a → localhost:8080 200 3 ms",
            "GET /b → localhost:8080 404 6 ms",
            "GET /c → localhost:8080 no answer (connection closed)"));
  }

  @Test
  void upgradesAndHttp2AreSaidOnceAndNotFollowed() {
    check(
        List.of(
            new String[] {
              ">", "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
            },
            new String[] {
              "<", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u0081\u0002hi"
            },
            new String[] {">", "\u0081\u0082GET / HTTP/1.1\r\n\r\n"}),
        List.of(
            "GET /ws → localhost:8080 101 3 ms",
            "  upgraded (GET /ws): the connection is no longer followed"));
    check(
        List.<String[]>of(
            new String[] {">", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\u0000\u0000"},
            new String[] {"<", "\u0000\u0000\u0006\u0004"}),
        List.of("HTTP/2 connection → localhost:8080 (not followed)"));
  }

  @Test
  void whatIsNotHttpTurnsItOffQuietly() {
    check(
        List.<String[]>of(
            new String[] {">", "\u0016\u0003\u0001 a TLS hello\r\n\r\n"},
            new String[] {"<", "whatever\r\n\r\n"}),
        List.of());
  }
}

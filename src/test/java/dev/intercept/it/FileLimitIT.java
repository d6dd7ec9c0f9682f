package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.intercept.TestTokens;
import dev.intercept.TestWait;
import dev.intercept.tunnel.TunnelKeys;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: the proxy as a process held to a small open-file limit ({@code prlimit --nofile}), with
 * more sidecar long-polls than that limit allows, opened by this test as real connections. The
 * proxy derives its poll limit from the file limit, refuses the rest with 503, Retry-After and a
 * closed connection, and keeps answering the API (PUT, renew, /healthz) throughout; once the polls
 * go away its open descriptors are back where they started.
 */
class FileLimitIT {
  private static final int NOFILE = 640;
  private static final int EXTRA = 150;
  private static final int RETRY_AFTER_MAX = 5;

  @Test
  void pastItsFileLimitTheProxyRefusesPollsAndItsApiStillAnswers() throws Exception {
    TestTokens tokens = TestTokens.create();
    List<PollSocket> sockets = new ArrayList<>();
    try (Roles roles = new Roles()) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--role=proxy",
                  "--listen-host",
                  "127.0.0.1",
                  "--api-port",
                  "0",
                  "--ssh-port",
                  "0",
                  "--forward-ports",
                  Http.freePorts(2),
                  "--poll-retry-after-seconds",
                  Integer.toString(RETRY_AFTER_MAX)));
      args.addAll(tokens.proxyArgs());
      RoleProcess proxy =
          roles.add(
              RoleProcess.start(
                  "proxy",
                  Map.of(),
                  List.of("prlimit", "--nofile=" + NOFILE + ":" + NOFILE, "--"),
                  RoleProcess.fastStartFlags(),
                  args.toArray(String[]::new)));
      int api = proxy.port("api");
      Matcher m =
          proxy.awaitLogLine(
              "route long-polls: at most (\\d+) \\(open-file limit\\); open-file limit (\\d+)",
              30_000);
      int limit = Integer.parseInt(m.group(1));
      assertEquals(NOFILE, Integer.parseInt(m.group(2)), "the limit prlimit set, read at start");
      assertTrue(limit > 100 && limit < NOFILE - 256, "a reserve is kept: " + limit);
      long fdsAtStart = fds(proxy);

      String sidecar = tokens.of("sidecar");
      long version = version(new PollSocket(api, sidecar).poll("myapp", -1, 0).read());

      // more long-polls than the proxy allows, all at once
      for (int i = 0; i < limit + EXTRA; i++) {
        sockets.add(new PollSocket(api, sidecar).poll("myapp", version, 60));
      }
      List<PollSocket> refusedSockets = answered(sockets, EXTRA);
      List<Http.Response> refused = refusedSockets.stream().map(PollSocket::read).toList();
      Set<String> retryAfters = new TreeSet<>();
      for (Http.Response r : refused) {
        assertEquals(503, r.status(), r.head());
        assertTrue(r.body().contains("too-many-waiters"), r.body());
        assertEquals("close", r.header("Connection"), r.head());
        int after = Integer.parseInt(r.header("Retry-After"));
        assertTrue(after >= 1 && after <= RETRY_AFTER_MAX, "Retry-After " + after);
        retryAfters.add(r.header("Retry-After"));
      }
      assertTrue(retryAfters.size() > 1, "Retry-After is spread: " + retryAfters);
      List<PollSocket> waiting = sockets.stream().filter(s -> !refusedSockets.contains(s)).toList();
      refusedSockets.forEach(s -> assertTrue(s.closedByPeer(), "the refused poll's connection"));
      assertEquals(limit, waiting.size(), "exactly the limit waits");
      assertEquals(limit, waitingPolls(api, tokens));

      // full: the API still answers, and a change answers every waiting poll
      assertEquals(200, Http.get(api, "/healthz").status());
      String key = TunnelKeys.toOpenSsh(TunnelKeys.generate().getPublic());
      ProxyApi.register(api, tokens.of("alice"), sidecar, "myapp", "a1", ":path", "/a1", key);
      List<Http.Response> woken = answered(waiting, limit).stream().map(PollSocket::read).toList();
      long next = version(woken.get(0));
      assertTrue(next > version, "a new version: " + next);
      woken.forEach(r -> assertEquals(next, version(r), r.body()));

      // full again on the same connections: renew, /healthz and another poll's 503
      for (PollSocket s : waiting) {
        s.poll("myapp", next, 60);
      }
      TestWait.until(() -> waitingPolls(api, tokens) == limit, 30_000, "the polls to wait again");
      Http.Response renew =
          Http.send(
              api,
              "POST",
              "/api/v1/apps/myapp/intercepts/a1/renew",
              new byte[0],
              "Authorization",
              "Bearer " + tokens.of("alice"));
      assertEquals(200, renew.status(), renew.body());
      assertEquals(200, Http.get(api, "/healthz").status());
      PollSocket one = new PollSocket(api, sidecar).poll("myapp", next, 60);
      sockets.add(one);
      assertEquals(503, one.read().status());
      assertTrue(proxy.stderr().stream().noneMatch(l -> l.contains("Too many open files")));
      assertEquals(limit, metric(api, tokens, "intercept_route_polls_limit"));
      assertEquals(EXTRA + 1, metric(api, tokens, "intercept_route_polls_refused_total"));

      // the polls go away: nothing stays behind
      for (PollSocket s : sockets) {
        s.close();
      }
      TestWait.until(
          () -> fds(proxy) <= fdsAtStart + 8,
          30_000,
          "the proxy's descriptors back near " + fdsAtStart);
      assertEquals(0, waitingPolls(api, tokens));
    } finally {
      for (PollSocket s : sockets) {
        s.close();
      }
    }
  }

  /** Waits until {@code n} of the polls have an answer coming; returns those polls. */
  private static List<PollSocket> answered(List<PollSocket> polls, int n) {
    TestWait.until(
        () -> polls.stream().filter(PollSocket::ready).count() >= n, 30_000, n + " answers");
    return polls.stream().filter(PollSocket::ready).toList();
  }

  private static long version(Http.Response r) {
    assertEquals(200, r.status(), r.head() + r.body());
    return new JsonObject(r.body()).getLong("version");
  }

  private static long fds(RoleProcess p) {
    try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
      return s.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long waitingPolls(int api, TestTokens tokens) {
    return metric(api, tokens, "intercept_route_polls_waiting");
  }

  private static long metric(int api, TestTokens tokens, String name) {
    try {
      Http.Response r = Http.get(api, "/metrics", "Authorization", "Bearer " + tokens.of("admin"));
      assertEquals(200, r.status(), r.body());
      for (String line : r.body().split("\n")) {
        if (line.startsWith(name + " ")) {
          return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
        }
      }
      return fail("no " + name + " in " + r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

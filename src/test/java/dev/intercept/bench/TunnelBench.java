package dev.intercept.bench;

import dev.intercept.it.Http;
import dev.intercept.it.OpenSsh;
import dev.intercept.it.ProxyApi;
import dev.intercept.it.RoleProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP server on loopback reached four ways, side by side in one run: directly; through an
 * OpenSSH client's -R to a throwaway OpenSSH sshd; through an OpenSSH client's -R to our proxy;
 * through our client's tunnel to our proxy. Bulk: a 1 GiB body per path and repetition. Latency:
 * small requests, each on a new connection. Run by scripts/bench.sh (which starts the sshd). Args:
 * SSHD_PORT CLIENT_KEY KNOWN_HOSTS [REPS] [REQUESTS].
 */
public final class TunnelBench {
  private static final long BULK = 1L << 30;
  private static final byte[] CHUNK = new byte[256 * 1024];

  public static void main(String[] args) throws Exception {
    int sshdPort = Integer.parseInt(args[0]);
    Path sshdKey = Path.of(args[1]);
    Path sshdKnownHosts = Path.of(args[2]);
    int reps = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    int requests = args.length > 4 ? Integer.parseInt(args[4]) : 1000;
    Path dir = Files.createTempDirectory("tunnel-bench");
    int http = serveHttp();
    List<RoleProcess> roles = new ArrayList<>();
    List<Process> tunnels = new ArrayList<>();
    try {
      // experiments: -Dbench.jvmFlags=-Dorg.apache.sshd.config.window-size=N,... reaches proxy and
      // client
      List<String> jvm =
          List.of(System.getProperty("bench.jvmFlags", "").split(",")).stream()
              .filter(f -> !f.isEmpty())
              .toList();
      RoleProcess proxy =
          role(
              "proxy",
              jvm,
              "--role=proxy",
              "--listen-host",
              "127.0.0.1",
              "--api-port",
              "0",
              "--ssh-port",
              "0",
              "--forward-ports",
              Http.freePorts(2),
              "--forward-bind-host",
              "127.0.0.1",
              "--lease-seconds",
              "3600"); // the plain-ssh intercept has no client renewing it
      roles.add(proxy);
      int api = proxy.port("api");
      Map<String, Integer> paths = new LinkedHashMap<>();
      paths.put("direct", http);

      int viaSshd = Integer.parseInt(Http.freePorts(1));
      tunnels.add(
          new ProcessBuilder(
                  "ssh",
                  "-F",
                  "/dev/null",
                  "-N",
                  "-p",
                  Integer.toString(sshdPort),
                  "-i",
                  sshdKey.toString(),
                  "-o",
                  "IdentitiesOnly=yes",
                  "-o",
                  "BatchMode=yes",
                  "-o",
                  "StrictHostKeyChecking=yes",
                  "-o",
                  "UserKnownHostsFile=" + sshdKnownHosts,
                  "-o",
                  "ExitOnForwardFailure=yes",
                  "-c",
                  "aes128-gcm@openssh.com",
                  "-R",
                  viaSshd + ":127.0.0.1:" + http,
                  "root@127.0.0.1")
              .inheritIO()
              .start());
      paths.put("OpenSSH ssh → OpenSSH sshd", viaSshd);

      OpenSsh keygen = new OpenSsh(dir, 0, "");
      Path key = keygen.keygen("bench", "ed25519");
      JsonObject plain =
          ProxyApi.register(api, "bench", "plain", ":path", "/nothing", OpenSsh.publicKey(key));
      OpenSsh ssh = new OpenSsh(dir, plain.getInteger("sshPort"), plain.getString("hostKey"));
      tunnels.add(
          ssh.command(
                  key,
                  "-N",
                  "-c",
                  "aes128-gcm@openssh.com",
                  "-R",
                  plain.getInteger("port") + ":127.0.0.1:" + http,
                  plain.getString("sshUser") + "@127.0.0.1")
              .inheritIO()
              .start());
      paths.put("OpenSSH ssh → our proxy", plain.getInteger("port"));

      RoleProcess client =
          role(
              "client",
              jvm,
              "--role=client",
              "intercept",
              "bench",
              "-m",
              ":path",
              "/nothing",
              "--name",
              "ours",
              "-p",
              Integer.toString(http),
              "--proxy-url",
              "http://127.0.0.1:" + api);
      roles.add(client);
      client.awaitLine("^T: Intercept is running", 30_000);
      paths.put("our client → our proxy", ProxyApi.find(api, "bench", "ours").getInteger("port"));
      for (int port : paths.values()) {
        awaitServing(port);
      }

      Map<String, List<Double>> mbps = new LinkedHashMap<>();
      Map<String, List<Double>> latency = new LinkedHashMap<>();
      paths
          .keySet()
          .forEach(
              p -> {
                mbps.put(p, new ArrayList<>());
                latency.put(p, new ArrayList<>());
              });
      for (var p : paths.entrySet()) {
        download(p.getValue(), 64L << 20); // warm-up: JIT, windows
        for (int i = 0; i < 200; i++) {
          small(p.getValue());
        }
      }
      for (int r = 0; r < reps; r++) {
        for (var p : paths.entrySet()) {
          mbps.get(p.getKey()).add(download(p.getValue(), BULK));
        }
      }
      // rounds of 50 per path, interleaved, so load drifts hit every path alike
      for (int done = 0; done < requests; done += 50) {
        for (var p : paths.entrySet()) {
          for (int i = 0; i < 50; i++) {
            latency.get(p.getKey()).add(small(p.getValue()));
          }
        }
      }
      report(mbps, latency, reps, requests);
    } finally {
      tunnels.forEach(Process::destroy);
      roles.forEach(RoleProcess::close);
    }
  }

  private static void report(
      Map<String, List<Double>> mbps, Map<String, List<Double>> latency, int reps, int requests) {
    double sshdMbps = median(mbps.get("OpenSSH ssh → OpenSSH sshd"));
    double sshdLat = median(latency.get("OpenSSH ssh → OpenSSH sshd"));
    System.out.println(
        "| path | bulk 1 GiB (MB/s, median of "
            + reps
            + ") | ÷ OpenSSH→OpenSSH | request on a new"
            + " connection (ms, median of "
            + requests
            + ") | p90 (ms) | ÷ OpenSSH→OpenSSH |");
    System.out.println("| --- | --- | --- | --- | --- | --- |");
    for (String p : mbps.keySet()) {
      List<Double> lat = new ArrayList<>(latency.get(p));
      Collections.sort(lat);
      System.out.printf(
          "| %s | %.0f | %.2f | %.3f | %.3f | %.2f |%n",
          p,
          median(mbps.get(p)),
          median(mbps.get(p)) / sshdMbps,
          median(lat),
          lat.get((int) (lat.size() * 0.9)),
          median(lat) / sshdLat);
      System.err.printf("%s: MB/s %s%n", p, mbps.get(p));
    }
  }

  /** The median; NaN for none (REPS 0: latency only, e.g. to profile it). */
  static double median(List<Double> v) {
    if (v.isEmpty()) {
      return Double.NaN;
    }
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static void awaitServing(int port) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        small(port);
        return;
      } catch (IOException e) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("port " + port + " does not serve: " + e.getMessage());
        }
        Thread.sleep(50);
      }
    }
  }

  /** GET /bytes/N on a new connection; MB/s from the first request byte to the last body byte. */
  private static double download(int port, long bytes) throws IOException {
    long t0 = System.nanoTime();
    try (Socket s = connect(port)) {
      s.getOutputStream()
          .write(
              ("GET /bytes/" + bytes + " HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      byte[] buf = new byte[256 * 1024];
      long got = 0;
      int n;
      while ((n = in.read(buf)) >= 0) {
        got += n;
      }
      if (got < bytes) {
        throw new IOException("short body on port " + port + ": " + got);
      }
      return bytes / 1e6 / ((System.nanoTime() - t0) / 1e9);
    }
  }

  /** One small request on a new connection; ms to the whole response. */
  private static double small(int port) throws IOException {
    long t0 = System.nanoTime();
    try (Socket s = connect(port)) {
      s.getOutputStream()
          .write(
              "GET /bytes/100 HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      byte[] all = s.getInputStream().readAllBytes();
      if (all.length < 100) {
        throw new IOException("short response on port " + port);
      }
      return (System.nanoTime() - t0) / 1e6;
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    s.setSoTimeout(60_000);
    return s;
  }

  /** GET /bytes/N: N bytes of body, then close. A thread per connection. */
  private static int serveHttp() throws IOException {
    ServerSocket ss = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread acceptor =
        new Thread(
            () -> {
              while (true) {
                try {
                  Socket c = ss.accept();
                  Thread t = new Thread(() -> answer(c), "bench-http");
                  t.setDaemon(true);
                  t.start();
                } catch (IOException e) {
                  return;
                }
              }
            },
            "bench-http-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    return ss.getLocalPort();
  }

  private static void answer(Socket c) {
    try (c) {
      c.setTcpNoDelay(true);
      InputStream in = c.getInputStream();
      StringBuilder head = new StringBuilder();
      int b;
      while (head.indexOf("\r\n\r\n") < 0 && (b = in.read()) >= 0) {
        head.append((char) b);
      }
      String path = head.toString().split(" ", 3)[1];
      long n = Long.parseLong(path.substring("/bytes/".length()));
      OutputStream out = c.getOutputStream();
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      for (long left = n; left > 0; left -= CHUNK.length) {
        out.write(CHUNK, 0, (int) Math.min(left, CHUNK.length));
      }
      out.flush();
    } catch (IOException | RuntimeException e) {
      // a client went away
    }
  }

  /**
   * Proxy and client as they ship: through bin/intercept, with the JVM flags it gives each role
   * ({@code -Dbench.launcher=true}, what scripts/bench-tunnel.sh sets unless INTERCEPT_JAR names
   * another build), else {@code java -jar} of {@code intercept.jar} with the JVM's defaults.
   */
  private static RoleProcess role(String label, List<String> jvm, String... args)
      throws IOException {
    if (Boolean.getBoolean("bench.launcher")) {
      return RoleProcess.launcher(label, jvm, args);
    }
    return RoleProcess.start(label, Map.of(), jvm, args);
  }
}

package dev.intercept.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One wrk run against a loopback URL, its figures read off wrk's report ({@code --latency}). */
record Wrk(double requestsPerSecond, double p50Ms, double p99Ms, long requests, long errors) {
  private static final Pattern PERCENTILE =
      Pattern.compile("^\\s+(50|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
  private static final Pattern RPS =
      Pattern.compile("^Requests/sec:\\s+([0-9.]+)", Pattern.MULTILINE);
  private static final Pattern TOTAL =
      Pattern.compile("^\\s+(\\d+) requests in", Pattern.MULTILINE);
  private static final Pattern NON_2XX =
      Pattern.compile("Non-2xx or 3xx responses: (\\d+)", Pattern.MULTILINE);
  private static final Pattern SOCKET_ERRORS =
      Pattern.compile(
          "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)",
          Pattern.MULTILINE);

  /** wrk with {@code connections} over 2 threads for {@code seconds}; Host: the-app. */
  static Wrk run(int port, String path, int connections, int seconds)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                List.of(
                    "wrk",
                    "-t2",
                    "-c" + connections,
                    "-d" + seconds + "s",
                    "--latency",
                    "-H",
                    "Host: the-app",
                    "http://127.0.0.1:" + port + path))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("wrk failed on port " + port + path + ":\n" + out);
    }
    return parse(out);
  }

  static Wrk parse(String out) throws IOException {
    double p50 = -1;
    double p99 = -1;
    Matcher m = PERCENTILE.matcher(out);
    while (m.find()) {
      double v = Double.parseDouble(m.group(2));
      double ms =
          switch (m.group(3)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
          };
      if (m.group(1).equals("50")) {
        p50 = ms;
      } else {
        p99 = ms;
      }
    }
    Matcher rps = RPS.matcher(out);
    Matcher total = TOTAL.matcher(out);
    if (p50 < 0 || p99 < 0 || !rps.find() || !total.find()) {
      throw new IOException("cannot read wrk's report:\n" + out);
    }
    long errors = 0;
    Matcher bad = NON_2XX.matcher(out);
    if (bad.find()) {
      errors += Long.parseLong(bad.group(1));
    }
    Matcher socket = SOCKET_ERRORS.matcher(out);
    if (socket.find()) {
      for (int i = 1; i <= 4; i++) {
        errors += Long.parseLong(socket.group(i));
      }
    }
    return new Wrk(
        Double.parseDouble(rps.group(1)), p50, p99, Long.parseLong(total.group(1)), errors);
  }
}

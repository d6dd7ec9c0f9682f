package dev.intercept.envoy;

import dev.intercept.retry.Backoff;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Envoy with our bootstrap, forwards its log, restarts it with backoff when it dies, and stops
 * it on shutdown. Runs on its own thread: never on an event loop.
 */
public final class EnvoyProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EnvoyProcess.class);

  /** An Envoy that ran this long before dying restarts at once again. */
  private static final long HEALTHY_AFTER_MS = 60_000;

  private final Backoff restarts = new Backoff(500, 30_000);

  private final Path binary;
  private final Path bootstrap;
  private volatile boolean stopping;
  private volatile Process process;
  private Thread supervisor;

  public EnvoyProcess(Path binary, Path bootstrap) {
    this.binary = binary;
    this.bootstrap = bootstrap;
  }

  /** The binary to run: the configured one, else `envoy` on PATH, else null. */
  public static Path find(String configured) {
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String d : path.split(File.pathSeparator)) {
      Path p = Path.of(d, "envoy");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  public void start() {
    supervisor = new Thread(this::supervise, "envoy-supervisor");
    supervisor.setDaemon(true);
    supervisor.start();
  }

  private void supervise() {
    while (!stopping) {
      long started = System.currentTimeMillis();
      String why;
      try {
        int code = runOnce();
        if (stopping) {
          return;
        }
        why = "Envoy exited with " + code;
      } catch (IOException e) {
        why = "cannot start Envoy " + binary + ": " + e.getMessage();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // a bug here must not leave Envoy unsupervised: say so, and restart it as after a crash
        // (stopping this one first: two would fight over the listener port)
        LOG.error("Envoy supervisor failed", e);
        Process p = process;
        if (p != null) {
          p.destroyForcibly();
        }
        why = "Envoy supervisor failed: " + e;
      }
      if (System.currentTimeMillis() - started > HEALTHY_AFTER_MS) {
        restarts.reset();
      }
      long delay = restarts.next(null);
      LOG.warn("{}; restarting in {} ms", why, delay);
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Runs Envoy until it exits, its output in our log; returns its exit code. */
  private int runOnce() throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                List.of(
                    binary.toString(), "-c", bootstrap.toString(), "--log-format", "[envoy] %l %v"))
            .redirectErrorStream(true)
            .start();
    process = p;
    LOG.info("Envoy started (pid {}): {} -c {}", p.pid(), binary, bootstrap);
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        LOG.info("{}", line);
      }
    }
    return p.waitFor();
  }

  public Process current() {
    return process;
  }

  @Override
  public void close() {
    stopping = true;
    Process p = process;
    if (p != null) {
      p.destroy();
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    if (supervisor != null) {
      supervisor.interrupt();
    }
  }
}

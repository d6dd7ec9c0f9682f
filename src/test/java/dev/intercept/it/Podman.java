package dev.intercept.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The podman CLI for the image and pods tests (rootful, daemonless; runc and no default ulimits in
 * containers.conf, which .ci/run writes). Where podman is not installed or cannot run a container
 * here, {@link #assumeRunnable} skips the calling test with a message saying so.
 */
public final class Podman {
  /** What a command printed, and its exit code. */
  public record Result(int code, String out, String err) {
    public String check(List<String> cmd) {
      if (code != 0) {
        throw new AssertionError(String.join(" ", cmd) + " exited " + code + ": " + err + out);
      }
      return out.strip();
    }
  }

  private static final Set<String> probed = new HashSet<>();
  private static String unrunnable;

  private Podman() {}

  /** Runs podman; its stdout (stripped), or an AssertionError with what it printed. */
  public static String run(String... args) {
    List<String> cmd = new ArrayList<>(List.of("podman"));
    cmd.addAll(List.of(args));
    return exec(cmd, Map.of(), 120_000).check(cmd);
  }

  /** Like {@link #run} but never throws on a non-zero exit (clean-ups, probes). */
  public static Result tryRun(String... args) {
    List<String> cmd = new ArrayList<>(List.of("podman"));
    cmd.addAll(List.of(args));
    return exec(cmd, Map.of(), 120_000);
  }

  /** Runs any command with extra environment, its output in temp files (no pipe to fill). */
  public static Result exec(List<String> cmd, Map<String, String> env, long timeoutMs) {
    try {
      File out = File.createTempFile("podman-out", ".txt");
      File err = File.createTempFile("podman-err", ".txt");
      try {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err);
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          throw new AssertionError(String.join(" ", cmd) + " did not end in " + timeoutMs + " ms");
        }
        return new Result(
            p.exitValue(),
            Files.readString(out.toPath(), StandardCharsets.UTF_8),
            Files.readString(err.toPath(), StandardCharsets.UTF_8));
      } finally {
        out.delete();
        err.delete();
      }
    } catch (IOException e) {
      return new Result(127, "", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + cmd);
    }
  }

  /**
   * Skips the calling test, visibly, unless podman is installed and answers here; then, once a
   * local image exists, unless it runs a container of {@code image}.
   */
  public static synchronized void assumeRunnable(String image) {
    if (!probed.contains(image)) {
      probed.add(image);
      String why = image == null ? probeInstalled() : probeRun(image);
      if (why != null && unrunnable == null) {
        unrunnable = why;
        System.err.println("SKIPPED (podman): " + unrunnable);
      }
    }
    Assumptions.assumeTrue(unrunnable == null, unrunnable);
  }

  private static String probeInstalled() {
    Result version = tryRun("version", "--format", "{{.Client.Version}}");
    if (version.code() != 0) {
      return "podman is not installed or does not run here ("
          + version.err().strip()
          + "): apt-get install -y podman runc, as .ci/run does";
    }
    Result info = tryRun("info", "--format", "{{.Host.OCIRuntime.Name}}");
    if (info.code() != 0) {
      return "podman cannot run here: podman info: " + info.err().strip();
    }
    return null;
  }

  private static String probeRun(String image) {
    Result run = tryRun("run", "--rm", "--network", "none", "--entrypoint", "true", image);
    if (run.code() != 0) {
      return "podman cannot run a container here ("
          + run.err().strip()
          + "); this sandbox needs runc and no default ulimits in"
          + " /etc/containers/containers.conf ([containers] default_ulimits = [], [engine]"
          + " runtime = \"runc\"), as .ci/run writes";
    }
    return null;
  }

  /** The checkout's root: failsafe runs in the project's directory. */
  static Path root() {
    return Path.of("").toAbsolutePath();
  }
}

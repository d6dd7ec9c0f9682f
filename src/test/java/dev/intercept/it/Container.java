package dev.intercept.it;

import dev.intercept.TestWait;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.stream.Stream;

/**
 * A container of the image run by a test: {@code podman run --rm} attached, so its output lines
 * stream into a {@link RoleProcess} (stdout and stderr apart, and signals sent to podman reach the
 * role: podman proxies them); or the logs of a container that {@code podman kube play} started.
 * {@link #close} removes a container it ran (kill, no grace), and stops following.
 */
public final class Container implements AutoCloseable {
  /** The image's user and group (the Dockerfile's USER 10001:10001). */
  public static final int IMAGE_UID = 10001;

  private final String name;
  private final RoleProcess lines;
  private final boolean owned;

  private Container(String name, RoleProcess lines, boolean owned) {
    this.name = name;
    this.lines = lines;
    this.owned = owned;
  }

  /** A random suffix for names: containers, pods, networks and volumes are global here. */
  public static String runId() {
    byte[] b = new byte[4];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** {@code podman run --rm --name NAME OPTIONS... IMAGE ARGS...}, attached. */
  public static Container run(String name, List<String> options, String image, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of("podman", "run", "--rm", "--name", name));
    cmd.addAll(options);
    cmd.add(image);
    cmd.addAll(List.of(args));
    return new Container(name, RoleProcess.command(name, cmd), true);
  }

  /** Follows the output of a container someone else started (kube play); never removes it. */
  public static Container follow(String name) throws IOException {
    TestWait.until(
        () -> Podman.tryRun("container", "exists", name).code() == 0, 30_000, name + " to exist");
    return new Container(
        name, RoleProcess.command(name, List.of("podman", "logs", "-f", name)), false);
  }

  /**
   * A host directory to mount into containers of the image: owned by its user (uid/gid 10001, mode
   * 0700, files 0600) when this JVM runs as root, as it does here and in CI; else readable by all
   * (test tokens only). {@code files}: name to content.
   */
  public static Path volumeDir(Path dir, Map<String, String> files) throws IOException {
    Files.createDirectories(dir);
    boolean root = "root".equals(System.getProperty("user.name"));
    for (var f : files.entrySet()) {
      Path file = dir.resolve(f.getKey());
      Files.writeString(file, f.getValue());
      own(file, root ? "rw-------" : "rw-r--r--", root);
    }
    own(dir, root ? "rwx------" : "rwxr-xr-x", root);
    return dir;
  }

  private static void own(Path p, String mode, boolean root) throws IOException {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    if (root) {
      Files.setAttribute(p, "unix:uid", IMAGE_UID);
      Files.setAttribute(p, "unix:gid", IMAGE_UID);
    }
  }

  /** podman run options of a sidecar for myapp (app port 8080) on {@code network}. */
  public static List<String> sidecarOptions(String network, String token) {
    return List.of(
        "--network",
        network,
        "--env",
        "APPNAME=myapp",
        "--env",
        "APPPORT=8080",
        "--env",
        "INTERCEPT_TOKEN=" + token);
  }

  /** Deletes a test's directory tree (root deletes what containers wrote there as 10001). */
  public static void deleteTree(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String name() {
    return name;
  }

  public Matcher awaitLine(String regex, long timeoutMs) throws InterruptedException {
    return lines.awaitLine(regex, timeoutMs);
  }

  public Matcher awaitLogLine(String regex, long timeoutMs) throws InterruptedException {
    return lines.awaitLogLine(regex, timeoutMs);
  }

  public List<String> stdout() {
    return lines.stdout();
  }

  public List<String> stderr() {
    return lines.stderr();
  }

  /** Sends a signal to the role in the container (through podman's signal proxy). */
  public void signal(String signal) throws IOException, InterruptedException {
    lines.signal(signal);
  }

  /** The exit code of the role (podman run exits with its container's). */
  public int awaitExit(long timeoutMs) throws InterruptedException {
    return lines.awaitExit(timeoutMs);
  }

  /** The host port published for {@code containerPort}, once the container runs. */
  public int hostPort(int containerPort) {
    String[] out = new String[1];
    TestWait.until(
        () -> {
          Podman.Result r = Podman.tryRun("port", name, Integer.toString(containerPort));
          out[0] = r.out().strip();
          return r.code() == 0 && !out[0].isEmpty();
        },
        30_000,
        name + " to publish " + containerPort);
    String first = out[0].lines().findFirst().orElseThrow();
    return Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
  }

  /** The uid and gid the container's first process runs as, from the kernel (/proc on the host). */
  public List<String> processIds() throws IOException {
    String pid = Podman.run("inspect", "--format", "{{.State.Pid}}", name);
    List<String> ids = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
      if (line.startsWith("Uid:") || line.startsWith("Gid:")) {
        ids.add(line.replaceAll("\\s+", " ").strip());
      }
    }
    return ids;
  }

  /**
   * A /proc file of the container's main process, read from the host: NULs as spaces, one first.
   */
  public String proc(String file) throws IOException {
    String pid = Podman.run("inspect", "--format", "{{.State.Pid}}", name);
    return " "
        + Files.readString(Path.of("/proc", pid, file), StandardCharsets.ISO_8859_1)
            .replace('\0', ' ');
  }

  @Override
  public void close() {
    if (owned) {
      Podman.tryRun("rm", "--force", "--time", "0", name);
    }
    lines.close();
  }
}

package dev.intercept.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One role of the built jar running as a real process; its output lines collected for asserts. */
public final class RoleProcess implements AutoCloseable {
  private static final Path JAR =
      Path.of(System.getProperty("intercept.jar", "target/intercept.jar")).toAbsolutePath();
  private static final Path PERL = Path.of("/usr/bin/perl");

  private final String label;
  private final Process process;
  private final List<String> out = new ArrayList<>();
  private final List<String> err = new ArrayList<>();
  private final List<Thread> pumps = new ArrayList<>();

  private RoleProcess(String label, Process process) {
    this.label = label;
    this.process = process;
    pump(process.getInputStream(), out);
    pump(process.getErrorStream(), err);
  }

  /** Starts a role with the fast-start flags (C1 only, the AppCDS archive when built). */
  public static RoleProcess start(String label, Map<String, String> env, String... args)
      throws IOException {
    return start(label, env, fastStartFlags(), args);
  }

  public static List<String> fastStartFlags() {
    List<String> flags = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto"));
    Path jsa = JAR.resolveSibling("intercept.jsa");
    if (Files.isRegularFile(jsa)) {
      flags.add("-XX:SharedArchiveFile=" + jsa);
    }
    return flags;
  }

  public static RoleProcess start(
      String label, Map<String, String> env, List<String> jvmFlags, String... args)
      throws IOException {
    return start(label, env, List.of(), jvmFlags, args);
  }

  /**
   * As above, run through {@code wrapper} (a command that execs the rest, e.g. {@code prlimit
   * --nofile=N --}: the role keeps the process's pid).
   */
  public static RoleProcess start(
      String label,
      Map<String, String> env,
      List<String> wrapper,
      List<String> jvmFlags,
      String... args)
      throws IOException {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " is missing: run 'mvn package' first");
    }
    List<String> cmd = new ArrayList<>(wrapper);
    if (Files.isExecutable(PERL)) {
      // A terminal's foreground process always receives Ctrl-C; a process started from a shell or
      // CI runner that ignores SIGINT inherits the "ignore" and the JVM may not undo it. Reset it.
      cmd.addAll(List.of(PERL.toString(), "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die $!"));
    }
    cmd.add(javaBin());
    cmd.addAll(jvmFlags);
    cmd.addAll(List.of("-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    return new RoleProcess(label, roleEnvironment(new ProcessBuilder(cmd), env).start());
  }

  /**
   * A role's environment: none of this JVM's role settings, and (the client pins host keys under
   * the user's config directory and reads their kubeconfig) this test JVM's own config directory
   * and no kubeconfig unless {@code env} gives one.
   */
  private static ProcessBuilder roleEnvironment(ProcessBuilder pb, Map<String, String> env) {
    pb.environment()
        .keySet()
        .removeIf(
            k ->
                k.startsWith("INTERCEPT_")
                    || k.equals("APPNAME")
                    || k.equals("APPPORT")
                    || k.equals("APPPROTOCOL"));
    pb.environment().put("XDG_CONFIG_HOME", CONFIG_HOME.toString());
    pb.environment().put("KUBECONFIG", CONFIG_HOME.resolve("no-kubeconfig").toString());
    pb.environment().putAll(env);
    return pb;
  }

  /**
   * Any command whose output is collected like a role's: e.g. {@code podman run} of the image
   * (attached, so its lines stream here) or {@code podman logs -f}.
   */
  /**
   * A role started by bin/intercept, with the JVM flags it gives that role (and {@code extraFlags}
   * through INTERCEPT_JAVA_OPTS), in this test JVM's config directory like {@link #start}.
   */
  public static RoleProcess launcher(String label, List<String> extraFlags, String... args)
      throws IOException {
    List<String> cmd =
        new ArrayList<>(List.of(Path.of("bin/intercept").toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    Map<String, String> env = Map.of("INTERCEPT_JAVA_OPTS", String.join(" ", extraFlags));
    return new RoleProcess(label, roleEnvironment(new ProcessBuilder(cmd), env).start());
  }

  public static RoleProcess command(String label, List<String> command) throws IOException {
    return new RoleProcess(label, new ProcessBuilder(command).start());
  }

  /** Any command, with these environment variables added, its output collected like a role's. */
  public static RoleProcess command(String label, Map<String, String> env, List<String> command)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    return new RoleProcess(label, pb.start());
  }

  /** The config directory of this test JVM's role processes (pinned host keys). */
  static final Path CONFIG_HOME = configHome();

  private static Path configHome() {
    try {
      Path dir = Files.createTempDirectory("intercept-config");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private void pump(InputStream in, List<String> into) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (this) {
                    into.add(line);
                    notifyAll();
                  }
                }
              } catch (IOException e) {
                // process ended
              }
            },
            label + "-pump");
    pumps.add(t);
    t.setDaemon(true);
    t.start();
  }

  /** Waits for a stdout line matching regex; returns its match. */
  public Matcher awaitLine(String regex, long timeoutMs) throws InterruptedException {
    return awaitLine(out, regex, timeoutMs);
  }

  /** Waits for a stderr (log) line matching regex; returns its match. */
  public Matcher awaitLogLine(String regex, long timeoutMs) throws InterruptedException {
    return awaitLine(err, regex, timeoutMs);
  }

  private synchronized Matcher awaitLine(List<String> lines, String regex, long timeoutMs)
      throws InterruptedException {
    Pattern p = Pattern.compile(regex);
    long deadline = System.currentTimeMillis() + timeoutMs;
    int seen = 0;
    while (true) {
      for (; seen < lines.size(); seen++) {
        Matcher m = p.matcher(lines.get(seen));
        if (m.find()) {
          return m;
        }
      }
      long left = deadline - System.currentTimeMillis();
      if (left <= 0 || (!process.isAlive() && seen == lines.size())) {
        throw new AssertionError(
            label
                + ": no line matching /"
                + regex
                + "/ within "
                + timeoutMs
                + " ms; alive="
                + process.isAlive()
                + "\nstdout: "
                + out
                + "\nstderr: "
                + err);
      }
      wait(Math.min(left, 100));
    }
  }

  /** The port of a "listening NAME=HOST:PORT" start-up line. */
  public int port(String name) throws InterruptedException {
    return Integer.parseInt(awaitLine(" " + name + "=[^ ]*:(\\d+)", 30_000).group(1));
  }

  public synchronized List<String> stdout() {
    return new ArrayList<>(out);
  }

  public synchronized List<String> stderr() {
    return new ArrayList<>(err);
  }

  public void signal(String name) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
        .inheritIO()
        .start()
        .waitFor();
  }

  public int awaitExit(long timeoutMs) throws InterruptedException {
    if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          label
              + " did not exit within "
              + timeoutMs
              + " ms\nstdout: "
              + stdout()
              + "\nstderr: "
              + stderr());
    }
    // the pumps end at end of stream: join them so every line the process wrote is collected
    for (Thread t : pumps) {
      t.join(2_000);
    }
    return process.exitValue();
  }

  /** The role's process id (wrappers and perl exec the JVM in place). */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

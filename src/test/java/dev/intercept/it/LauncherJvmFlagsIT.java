package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * bin/intercept (also the image's ENTRYPOINT) gives the sidecar role its lean JVM settings
 * (docs/sidecar-memory.md) and the other roles not: read off the running JVM ({@code jcmd PID
 * VM.flags}, /proc/PID/environ and cmdline), not off the script.
 */
class LauncherJvmFlagsIT {
  private static final Path LAUNCHER = Path.of("bin/intercept").toAbsolutePath();
  private final Roles roles = new Roles();

  @AfterEach
  void stop() {
    roles.close();
  }

  private RoleProcess launch(Map<String, String> extraEnv, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
    cmd.addAll(List.of(args));
    Map<String, String> env = new HashMap<>(Map.of("INTERCEPT_JAVA_OPTS", ""));
    env.putAll(extraEnv);
    RoleProcess p = roles.add(RoleProcess.command("launcher", env, cmd));
    p.awaitLine("listening", 60_000);
    return p;
  }

  private RoleProcess sidecar(Map<String, String> env) throws Exception {
    Map<String, String> all = new HashMap<>(env);
    all.put("APPPORT", "1"); // a plain forwarder: no APPNAME, no proxy to reach
    return launch(all, "--role=sidecar", "--listen-host", "127.0.0.1", "--listen-port", "0");
  }

  /** The JVM's flags as it runs: "-XX:Name=value" and "-XX:+Name" of jcmd VM.flags. */
  static Map<String, String> vmFlags(long pid) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.flags")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "jcmd VM.flags hung");
    assertEquals(0, p.exitValue(), out);
    Map<String, String> flags = new HashMap<>();
    for (String f : out.split("\\s+")) {
      if (f.startsWith("-XX:+") || f.startsWith("-XX:-")) {
        flags.put(f.substring(5), f.substring(4, 5).equals("+") ? "true" : "false");
      } else if (f.startsWith("-XX:") && f.contains("=")) {
        flags.put(f.substring(4, f.indexOf('=')), f.substring(f.indexOf('=') + 1));
      }
    }
    return flags;
  }

  static String proc(long pid, String file) throws IOException {
    // NULs to spaces, and one in front: " NAME=value " matches any entry
    return " "
        + Files.readString(Path.of("/proc/" + pid + "/" + file), StandardCharsets.ISO_8859_1)
            .replace('\0', ' ');
  }

  @Test
  void sidecarRunsWithSerialGcTrimmedC2AndCappedHeapStacksCodeAndDirectMemory() throws Exception {
    long pid = sidecar(Map.of()).pid();
    Map<String, String> f = vmFlags(pid);
    assertEquals("true", f.get("UseSerialGC"), f.toString());
    assertEquals(Long.toString(24L << 20), f.get("MaxHeapSize"));
    // C2 kept (the data plane's speed) and alone: no C1, whose profiled code doubled the code
    // cache; its freed native memory trimmed where the JDK can
    assertNotEquals("1", f.get("TieredStopAtLevel"), f.toString());
    assertEquals("false", f.get("TieredCompilation"), f.toString());
    assertEquals("1", f.get("CICompilerCount"));
    assertEquals(Long.toString(2L << 20), f.get("MaxNewSize"));
    assertEquals("5000", f.get("TrimNativeHeapInterval"), f.toString());
    assertEquals("256", f.get("ThreadStackSize"));
    assertEquals(Long.toString(16L << 20), f.get("ReservedCodeCacheSize"));
    assertEquals(Long.toString(32L << 20), f.get("MaxDirectMemorySize"));
    assertEquals("true", f.get("ExitOnOutOfMemoryError"));
    // Netty's allocator events would start JFR's metadata (130 classes and their objects)
    assertTrue(proc(pid, "cmdline").contains(" -Dio.netty.jfr.enabled=false "), "Netty's JFR off");
    assertTrue(proc(pid, "environ").contains(" MALLOC_ARENA_MAX=1 "), "glibc's arenas capped");
    // the JDK's CDS archive, not the app's (every role's classes, resident whole once relocated)
    assertFalse(proc(pid, "cmdline").contains("SharedArchiveFile"), proc(pid, "cmdline"));
  }

  @Test
  void userFlagsWinOverTheSidecarsAndOtherRolesKeepTheJvmDefaults() throws Exception {
    long sidecar = sidecar(Map.of("INTERCEPT_JAVA_OPTS", "-Xmx48m")).pid();
    assertEquals(Long.toString(48L << 20), vmFlags(sidecar).get("MaxHeapSize"));
    long echo = launch(Map.of(), "--role=echo", "--listen-host", "127.0.0.1", "--port", "0").pid();
    Map<String, String> f = vmFlags(echo);
    assertNotEquals(Long.toString(24L << 20), f.get("MaxHeapSize"), f.toString());
    assertNotEquals("1", f.get("TieredStopAtLevel"), f.toString());
    assertFalse(proc(echo, "environ").contains(" MALLOC_ARENA_MAX=1 "));
  }

  /** The flags of a client the launcher started, once its JVM answers jcmd. */
  private Map<String, String> clientFlags(int silentPort, String... verb) throws Exception {
    List<String> args = new ArrayList<>(List.of("--role=client"));
    args.addAll(List.of(verb));
    args.addAll(List.of("--proxy-url", "http://127.0.0.1:" + silentPort));
    RoleProcess p =
        roles.add(RoleProcess.launcher("client", List.of(), args.toArray(String[]::new)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Map<String, String> f = Map.of();
    while (System.nanoTime() < deadline && !f.containsKey("UseSerialGC") && p.isAlive()) {
      f = vmFlags(p.pid());
    }
    assertTrue(f.containsKey("UseSerialGC"), "the client's JVM did not answer jcmd: " + f);
    return f;
  }

  @Test
  void theInterceptVerbKeepsC2ForTheTunnelAndShortVerbsRunC1Alone() throws Exception {
    // a proxy that never answers keeps each client waiting while its flags are read
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Map<String, String> intercept =
          clientFlags(
              silent.getLocalPort(),
              "intercept",
              "myapp",
              "-m",
              ":path",
              "/x",
              "--name",
              "flags",
              "-p",
              "1");
      // C2 (AES-GCM's intrinsics: C1 alone moves 25 MB/s), asked for late (start-up)
      assertNotEquals("1", intercept.get("TieredStopAtLevel"), intercept.toString());
      assertEquals("50000", intercept.get("Tier4InvocationThreshold"), intercept.toString());
      Map<String, String> list = clientFlags(silent.getLocalPort(), "list");
      assertEquals("1", list.get("TieredStopAtLevel"), list.toString());
    }
  }
}

package dev.intercept.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real OpenSSH client against a proxy: strict host key checking, one identity, no prompts. */
public final class OpenSsh {
  public static final Path SSH = Path.of("/usr/bin/ssh");
  private final Path dir;
  private final int port;
  private final Path knownHosts;

  /** {@code hostKey}: the OpenSSH line the API announced; the only key ssh will accept. */
  public OpenSsh(Path dir, int port, String hostKey) throws IOException {
    this.dir = dir;
    this.port = port;
    this.knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, "[127.0.0.1]:" + port + " " + hostKey + "\n");
  }

  public static boolean installed() {
    return Files.isExecutable(SSH);
  }

  /** A fresh key pair made by ssh-keygen (type ed25519 or ecdsa); returns the private key file. */
  public Path keygen(String name, String type) throws IOException, InterruptedException {
    Path key = dir.resolve(name);
    Process p =
        new ProcessBuilder(
                "ssh-keygen", "-q", "-t", type, "-N", "", "-C", name, "-f", key.toString())
            .redirectErrorStream(true)
            .start();
    if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(
          "ssh-keygen failed: "
              + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    return key;
  }

  public static String publicKey(Path key) throws IOException {
    return Files.readString(Path.of(key + ".pub")).trim();
  }

  /** ssh with the test's safe options, then {@code args} (forwards, user@host, command). */
  public ProcessBuilder command(Path key, String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                SSH.toString(),
                "-F",
                "/dev/null",
                "-p",
                Integer.toString(port),
                "-o",
                "StrictHostKeyChecking=yes",
                "-o",
                "UserKnownHostsFile=" + knownHosts,
                "-o",
                "BatchMode=yes",
                "-o",
                "IdentitiesOnly=yes",
                "-i",
                key.toString(),
                "-o",
                "ExitOnForwardFailure=yes",
                "-o",
                "ConnectTimeout=5",
                "-o",
                "LogLevel=ERROR"));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true);
  }

  /** Runs ssh to its end (it must end within 20 s); exit code and output. */
  public Result run(Path key, String... args) throws IOException, InterruptedException {
    Process p = command(key, args).start();
    p.getOutputStream().close();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("ssh " + List.of(args) + " did not end within 20 s");
    }
    return new Result(
        p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  public record Result(int exit, String output) {}
}

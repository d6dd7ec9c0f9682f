package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.config.ConfigKey;
import dev.intercept.config.Role;
import dev.intercept.tunnel.TunnelKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to the jar: one line naming the problem, a non-zero exit, never a stack trace. */
class CliErrorsIT {

  static List<String> failsWith(int code, Map<String, String> env, String... args)
      throws Exception {
    try (RoleProcess p = RoleProcess.start("cli", env, args)) {
      assertEquals(code, p.awaitExit(30_000), "exit code; stderr: " + p.stderr());
      List<String> err = p.stderr();
      assertEquals(1, err.size(), "exactly one line: " + err);
      assertTrue(err.get(0).startsWith("intercept"), err.get(0));
      assertTrue(
          err.stream().noneMatch(l -> l.contains("Exception") || l.startsWith("\tat ")),
          err.toString());
      return err;
    }
  }

  @Test
  void sidecarWithoutAppPortRefusesToStart() throws Exception {
    String line =
        failsWith(2, Map.of("APPNAME", "myapp"), "--role=sidecar", "--listen-port", "0").get(0);
    assertEquals("intercept sidecar: app-port is required (set APPPORT or --app-port)", line);
  }

  @Test
  void unknownRoleAndBadSettingsExitWithTwoAndOneLine() throws Exception {
    assertTrue(failsWith(2, Map.of(), "--role=wizard").get(0).contains("unknown role 'wizard'"));
    assertEquals(
        "intercept proxy: api-port must be a port from 0 to 65535 (0: any free port), got 'eighty'",
        failsWith(2, Map.of(), "--role=proxy", "--api-port", "eighty").get(0));
    assertEquals(
        "intercept proxy: api-port must be a port from 0 to 65535 (0: any free port), got '70000'"
            + " (from INTERCEPT_API_PORT)",
        failsWith(2, Map.of("INTERCEPT_API_PORT", "70000"), "--role=proxy").get(0));
    assertEquals(
        "intercept: renew-seconds must be a whole number from 1 to 3600, got '0'",
        failsWith(2, Map.of(), "--role=client", "list", "--renew-seconds", "0").get(0));
    assertTrue(
        failsWith(2, Map.of(), "--role=echo", "--config", "/nonexistent.yaml")
            .get(0)
            .contains("does not exist"));
    assertTrue(
        failsWith(2, Map.of(), "--role=proxy", "--no-such-flag").get(0).contains("--no-such-flag"));
  }

  @Test
  void aProxyWithoutAuthenticationRefusesToListenBeyondLoopbackUnlessToldInsecure()
      throws Exception {
    String line =
        failsWith(2, Map.of(), "--role=proxy", "--listen-host", "0.0.0.0", "--api-port", "0")
            .get(0);
    assertTrue(line.contains("auth none on 0.0.0.0"), line);
    try (RoleProcess p =
        RoleProcess.start(
            "insecure",
            Map.of(),
            "--role=proxy",
            "--listen-host",
            "0.0.0.0",
            "--forward-bind-host",
            "127.0.0.1",
            "--api-port",
            "0",
            "--ssh-port",
            "0",
            "--insecure")) {
      p.port("api");
      p.awaitLogLine("INSECURE: no authentication, and listening on \\[0.0.0.0\\]", 10_000);
    }
    line = failsWith(2, Map.of(), "--role=proxy", "--auth", "token-file", "--api-port", "0").get(0);
    assertTrue(line.contains("auth token-file needs --token-file FILE"), line);
  }

  @Test
  void everyRoleListsItsOwnOptions() throws Exception {
    for (Role role : Role.values()) {
      List<String> args = new ArrayList<>(List.of("--role=" + role.id()));
      if (role == Role.CLIENT) {
        args.add("intercept");
      }
      args.add("--help");
      try (RoleProcess p = RoleProcess.start("help", Map.of(), args.toArray(String[]::new))) {
        assertEquals(0, p.awaitExit(30_000), p.stderr().toString());
        String usage = String.join("\n", p.stdout());
        for (ConfigKey<?> k : ConfigKey.all()) {
          // one flag may name a setting in two roles (--token-file: the proxy's, the sidecar's)
          boolean ofRole = ConfigKey.of(role).stream().anyMatch(x -> x.flag().equals(k.flag()));
          assertEquals(
              ofRole,
              usage.contains(k.flag() + (k.type().isFlag() ? "[=" : "=") + k.type().label()),
              role.id() + " --help and " + k.flag() + ":\n" + usage);
        }
      }
    }
  }

  @Test
  void clientRejectsBadMatchersBeforeCallingTheProxy() throws Exception {
    String line =
        failsWith(
                2,
                Map.of(),
                "--role=client",
                "intercept",
                "myapp",
                "-m",
                ":path",
                "(a)\\1",
                "--name",
                "t",
                "-p",
                "8080",
                "--proxy-url",
                "http://127.0.0.1:1")
            .get(0);
    assertTrue(line.contains("invalid RE2 regex"), line);
    line =
        failsWith(
                2,
                Map.of(),
                "--role=client",
                "intercept",
                "myapp",
                "-m",
                ":path",
                ".*",
                "--name",
                "Bad_Name",
                "-p",
                "8080")
            .get(0);
    assertTrue(line.contains("--name 'Bad_Name'"), line);
    line =
        failsWith(2, Map.of(), "--role=client", "intercept", "myapp", "--name", "t", "-p", "8080")
            .get(0);
    assertTrue(line.contains("say which requests to take: -m HEADER REGEX"), line);
  }

  @Test
  void clientRejectsABadSshKeyFileAndABadHostKeyFile(@TempDir Path dir) throws Exception {
    // a real private key, generated here: the repository holds none
    Path priv = dir.resolve("id");
    try (var out = Files.newOutputStream(priv)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(
          TunnelKeys.generate(), "test", null, out);
    }
    String[] base = {
      "--role=client",
      "intercept",
      "myapp",
      "-m",
      ":path",
      ".*",
      "--name",
      "t",
      "-p",
      "8080",
      "--proxy-url",
      "http://127.0.0.1:1",
      "--ssh-key"
    };
    String line = failsWith(2, Map.of(), concat(base, priv.toString())).get(0);
    assertTrue(line.contains("--ssh-key takes your public key"), line);
    line = failsWith(2, Map.of(), concat(base, dir.resolve("missing.pub").toString())).get(0);
    assertTrue(line.contains("cannot read"), line);
    line =
        failsWith(
                2,
                Map.of(),
                concat(base, Files.writeString(dir.resolve("x.pub"), "ssh-ed25519 !!").toString()))
            .get(0);
    assertTrue(line.contains("not an OpenSSH public key"), line);
    // a host key file that is not a key: the proxy stops, it does not silently make another key
    Path notAKey = Files.writeString(dir.resolve("host_key"), "not a key\n");
    line =
        failsWith(
                1,
                Map.of(),
                "--role=proxy",
                "--listen-host",
                "127.0.0.1",
                "--api-port",
                "0",
                "--ssh-port",
                "0",
                "--host-key-file",
                notAKey.toString())
            .get(0);
    assertTrue(line.contains("cannot read SSH host key file"), line);
    assertEquals("not a key\n", Files.readString(notAKey), "left as it was");
  }

  static String[] concat(String[] a, String b) {
    String[] all = Arrays.copyOf(a, a.length + 1);
    all[a.length] = b;
    return all;
  }

  @Test
  void clientSaysWhenTheProxyIsUnreachable() throws Exception {
    String line =
        failsWith(
                1,
                Map.of(),
                "--role=client",
                "intercept",
                "myapp",
                "-m",
                ":path",
                ".*",
                "--name",
                "t",
                "-p",
                "8080",
                "--proxy-url",
                "http://127.0.0.1:" + Http.freePorts(1))
            .get(0);
    assertTrue(line.contains("cannot reach the proxy at http://127.0.0.1:"), line);
  }
}

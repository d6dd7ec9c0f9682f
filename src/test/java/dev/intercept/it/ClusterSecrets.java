package dev.intercept.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What the replicas of a test's proxy cluster share, made at run time: a cluster name and the event
 * bus's PKCS12 key and certificate (made with the JDK's keytool), as a Secret would hold.
 */
public record ClusterSecrets(String name, Path keystore, String password) {

  public static ClusterSecrets create(Path dir) throws IOException, InterruptedException {
    String password = UUID.randomUUID().toString();
    Path keystore = dir.resolve("eventbus.p12");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "eventbus",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=intercept-proxy",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                password,
                "-keypass",
                password)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(keystore)) {
      throw new IOException("keytool failed: " + out);
    }
    return new ClusterSecrets("test-" + UUID.randomUUID(), keystore, password);
  }

  /** A replica's arguments; the password goes in its environment, see {@link #env}. */
  public List<String> args() {
    return List.of("--cluster-name", name, "--eventbus-keystore", keystore.toString());
  }

  public Map<String, String> env() {
    return Map.of("INTERCEPT_EVENTBUS_KEYSTORE_PASSWORD", password);
  }
}

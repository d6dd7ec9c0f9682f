package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * install, inject and uninject as a user runs them: {@code bin/intercept} with no {@code --role}
 * (the client's), the built jar, manifests through pipes; a refusal is one line on stderr, exit 2,
 * nothing on stdout.
 */
class ManifestCommandsIT {
  private static final Path PLAIN = Path.of("example/the-app.plain.yaml");

  /** What a run printed and how it ended. */
  record Run(int code, String out, List<String> err) {}

  static Run run(byte[] stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add("bin/intercept");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    // the plainest locale: Java's default charset is then ASCII, manifests must still be UTF-8
    pb.environment().put("LC_ALL", "C");
    pb.environment().put("LANG", "C");
    Process p = pb.start();
    CompletableFuture<byte[]> out = drain(p.getInputStream());
    CompletableFuture<byte[]> err = drain(p.getErrorStream());
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin);
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bin/intercept " + String.join(" ", args));
    String errText = new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    return new Run(
        p.exitValue(),
        new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8),
        errText.isEmpty() ? List.of() : errText.lines().toList());
  }

  private static CompletableFuture<byte[]> drain(InputStream s) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return s.readAllBytes();
          } catch (IOException e) {
            return new byte[0];
          }
        });
  }

  @Test
  void installPrintsTheManifestsAndSaysWhatTheProxyStillNeeds() throws Exception {
    Run r = run(new byte[0], "install");
    assertEquals(0, r.code(), r.err().toString());
    assertEquals(Files.readString(Path.of("k8s/intercept.yaml")), r.out());
    assertEquals(2, r.err().size(), r.err().toString());
    assertTrue(r.err().get(0).contains("--secrets-only | kubectl create -f -"), r.err().get(0));
    Run secrets = run(new byte[0], "--role=client", "install", "--secrets-only", "--replicas", "2");
    assertEquals(0, secrets.code());
    assertTrue(secrets.out().contains("kind: Secret"));
    assertTrue(!secrets.out().contains("kind: Deployment"));
  }

  @Test
  void injectFromStdinAndUninjectGiveTheFileBack() throws Exception {
    byte[] plain = Files.readAllBytes(PLAIN);
    Run injected = run(plain, "inject", "--app-name", "myapp", "-");
    assertEquals(0, injected.code(), injected.err().toString());
    assertEquals(Files.readString(Path.of("example/the-app.yaml")), injected.out());
    assertEquals(1, injected.err().size(), injected.err().toString());
    assertTrue(
        injected.err().get(0).endsWith("--sidecar-service-accounts NAMESPACE:the-app"),
        injected.err().get(0));
    Run back = run(injected.out().getBytes(StandardCharsets.UTF_8), "uninject", "-");
    assertEquals(0, back.code());
    assertEquals(new String(plain, StandardCharsets.UTF_8), back.out());
    assertEquals(List.of(), back.err());
  }

  @Test
  void nonAsciiManifestsKeepTheirBytesWhateverTheLocale() throws Exception {
    byte[] text = Files.readAllBytes(Path.of("src/test/resources/manifests/stateful.yaml"));
    Run injected = run(text, "inject", "-");
    assertEquals(0, injected.code(), injected.err().toString());
    assertTrue(injected.out().contains("🚀 naïve café"));
    assertEquals(
        new String(text, StandardCharsets.UTF_8),
        run(injected.out().getBytes(StandardCharsets.UTF_8), "uninject", "-").out());
  }

  @Test
  void refusalsAreOneLineExitTwoAndNoOutput() throws Exception {
    ByteArrayOutputStream noPorts = new ByteArrayOutputStream();
    noPorts.writeBytes(
        Files.readString(PLAIN)
            .replace("        ports:\n        - name: http\n          containerPort: 8080\n", "")
            .getBytes(StandardCharsets.UTF_8));
    for (Run r :
        List.of(
            run(noPorts.toByteArray(), "inject", "-"),
            run(new byte[0], "inject", "/nonexistent.yaml"),
            run(new byte[] {(byte) 0xff, 'a'}, "inject", "-"),
            run(Files.readAllBytes(PLAIN), "inject", "--data-plane", "istio", "-"),
            run(new byte[0], "install", "--replicas", "0"),
            run(new byte[0], "install", "--with-secrets", "--secrets-only"))) {
      assertEquals(2, r.code(), r.err().toString());
      assertEquals("", r.out());
      assertEquals(1, r.err().size(), r.err().toString());
      assertTrue(r.err().get(0).startsWith("intercept "), r.err().get(0));
      assertTrue(!r.err().get(0).contains("Exception"), r.err().get(0));
    }
    assertEquals(
        "intercept inject: Deployment/the-app: no container declares a port: add the app's"
            + " containerPort (the sidecar forwards to it)",
        run(noPorts.toByteArray(), "inject", "-").err().get(0));
  }
}

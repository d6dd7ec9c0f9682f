package dev.intercept.cli;

import dev.intercept.config.Role;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * The manifests in the repository are the commands' output: {@code k8s/} is install's (one replica,
 * and three), {@code example/} install's for the example and inject's of the plain app. {@code make
 * k8s} writes them; a test compares. Run from the repository's root.
 */
public final class GeneratedManifests {
  /** A file and the client arguments that make it (paths relative to the repository). */
  public record File(String path, List<String> args) {}

  public static final List<File> FILES =
      List.of(
          new File("k8s/intercept.yaml", List.of("install")),
          new File("k8s/intercept-ha.yaml", List.of("install", "--replicas", "3")),
          new File(
              "example/proxy.yaml",
              List.of("install", "--sidecar-service-accounts", "default:the-app")),
          new File(
              "example/the-app.yaml",
              List.of("inject", "--app-name", "myapp", "example/the-app.plain.yaml")),
          new File(
              "example/the-app.envoy.yaml",
              List.of(
                  "inject",
                  "--app-name",
                  "myapp",
                  "--data-plane",
                  "envoy",
                  "example/the-app.plain.yaml")));

  private GeneratedManifests() {}

  /** What the command prints on stdout, run in this process from {@code root}. */
  public static String render(Path root, List<String> args) {
    List<String> resolved = new ArrayList<>();
    for (String a : args) {
      resolved.add(a.endsWith(".yaml") ? root.resolve(a).toString() : a);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    CommandLine cl = Cli.commandLine(Role.CLIENT);
    cl.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(resolved.toArray(String[]::new));
    if (code != 0) {
      throw new IllegalStateException(String.join(" ", args) + " failed: " + err);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : ".");
    for (File f : FILES) {
      Files.createDirectories(root.resolve(f.path()).getParent());
      Files.writeString(root.resolve(f.path()), render(root, f.args()), StandardCharsets.UTF_8);
      System.out.println("wrote " + f.path());
    }
  }
}

package dev.intercept.repo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds files that hold private key material (the armour line of a PEM or OpenSSH private key). In
 * a git checkout it reads the tracked files; elsewhere every file but build output.
 */
final class PrivateKeyScan {
  /** Written with a quantifier so that this file does not match itself. */
  static final Pattern ARMOUR = Pattern.compile("PRIVATE KEY-{5}");

  private PrivateKeyScan() {}

  static List<Path> offenders(Path root) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : files(root)) {
      if (Files.isRegularFile(p) && holdsKey(p)) {
        out.add(root.relativize(p));
      }
    }
    return out;
  }

  static boolean holdsKey(Path file) throws IOException {
    String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    return ARMOUR.matcher(text).find();
  }

  private static List<Path> files(Path root) throws IOException {
    List<Path> tracked = gitTracked(root);
    if (tracked != null) {
      return tracked;
    }
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(
              p -> !p.startsWith(root.resolve("target")) && !p.startsWith(root.resolve(".git")))
          .toList();
    }
  }

  /** The files git tracks under root, or null when root is not a checkout or git is missing. */
  private static List<Path> gitTracked(Path root) {
    try {
      Process p =
          new ProcessBuilder("git", "ls-files", "-z")
              .directory(root.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
      List<Path> files = new ArrayList<>();
      for (String name : new String(out, StandardCharsets.UTF_8).split("\0")) {
        if (!name.isEmpty()) {
          files.add(root.resolve(name));
        }
      }
      return files;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}

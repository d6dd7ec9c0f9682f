package dev.intercept.client;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The proxies' SSH host keys, pinned per proxy URL the first time they are seen (as ssh's
 * known_hosts), in a file under the user's config directory: a key that changes later is refused
 * unless the user says --accept-new-host-key (after a rotation). Blocking: called off event loops.
 */
public final class KnownHosts {
  private final Path file;
  private final boolean acceptNew;

  private KnownHosts(Path file, boolean acceptNew) {
    this.file = file;
    this.acceptNew = acceptNew;
  }

  /** {@code configured}: the known-hosts-file setting; empty = the user's config directory. */
  public static KnownHosts at(String configured, boolean acceptNew) {
    return new KnownHosts(configured.isEmpty() ? defaultFile() : Path.of(configured), acceptNew);
  }

  static Path defaultFile() {
    String xdg = System.getenv("XDG_CONFIG_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".config");
    return base.resolve("intercept").resolve("known_hosts");
  }

  public Path file() {
    return file;
  }

  /**
   * Checks the host key the proxy at {@code proxy} announced: none at all, or one that differs from
   * the pinned key, is a {@link UserError}; a first one is pinned.
   */
  public synchronized void check(URI proxy, String hostKey) {
    if (hostKey == null || hostKey.isBlank()) {
      throw new UserError(
          "the proxy at "
              + proxy
              + " did not announce its SSH host key: refusing to open a tunnel");
    }
    String key = hostKey.strip();
    Map<String, String> pinned = read();
    String known = pinned.get(proxy.toString());
    if (key.equals(known)) {
      return;
    }
    if (known != null && !acceptNew) {
      throw new UserError(
          "the SSH host key of the proxy at "
              + proxy
              + " changed (pinned in "
              + file
              + "): if it was rotated, run again with --accept-new-host-key");
    }
    pinned.put(proxy.toString(), key);
    write(pinned);
  }

  private Map<String, String> read() {
    Map<String, String> out = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String l = line.strip();
        int space = l.indexOf(' ');
        if (!l.isEmpty() && !l.startsWith("#") && space > 0) {
          out.put(l.substring(0, space), l.substring(space + 1).strip());
        }
      }
      return out;
    } catch (IOException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage());
    }
  }

  private void write(Map<String, String> pinned) {
    List<String> lines = new ArrayList<>();
    lines.add("# proxy URL, then its SSH host key: written by intercept, checked on every session");
    pinned.forEach((url, key) -> lines.add(url + " " + key));
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (!Files.exists(dir)) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      Path tmp = Files.createTempFile(dir, ".known_hosts", ".tmp");
      Files.write(tmp, lines, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | UnsupportedOperationException e) {
      throw new UserError("cannot write " + file + ": " + e.getMessage());
    }
  }
}

package dev.intercept.envoy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * Replaces a file so that a reader sees the old or the new content, never a part: write a temporary
 * file in the same directory, fsync it, rename it over the target, fsync the directory. The rename
 * is also what makes Envoy reload (it watches for moves, not edits). Blocking: call it off the
 * event loop.
 */
final class AtomicFile {
  private AtomicFile() {}

  /** Writes unless the file already holds exactly this content; returns whether it wrote. */
  static boolean replace(Path target, String content) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), bytes)) {
      return false;
    }
    Path dir = target.toAbsolutePath().getParent();
    // a dot-name Envoy ignores; created, not moved, into the directory: no reload until the rename
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    // readable by an Envoy running as another user in another container
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // some file systems cannot fsync a directory; the rename itself is still atomic
    }
    return true;
  }
}

package dev.intercept.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Iterator;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * The proxy's stable host key: read from a file (an OpenSSH or PEM private key, e.g. a Kubernetes
 * Secret mount), or generated there once if the file is missing. Unlike SSHD's generator provider,
 * a file that exists but cannot be read is an error, never silently replaced: clients pin the key.
 */
final class HostKeyFile {
  private HostKeyFile() {}

  static KeyPair loadOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      return load(file);
    }
    KeyPair kp = TunnelKeys.generate();
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp =
        Files.createTempFile(
            dir,
            ".hostkey",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(tmp, TunnelKeys.privateKeyText(kp, "intercept proxy host key"));
      // a link fails if the file appeared meanwhile (another replica on the same volume): its key
      // wins
      Files.createLink(file, tmp);
    } catch (FileAlreadyExistsException e) {
      // load the winner's key below
    } finally {
      Files.deleteIfExists(tmp);
    }
    return load(file);
  }

  private static KeyPair load(Path file) throws IOException {
    Iterable<KeyPair> keys;
    try (InputStream in = Files.newInputStream(file)) {
      keys =
          SecurityUtils.loadKeyPairIdentities(
              null, NamedResource.ofName(file.toString()), in, FilePasswordProvider.EMPTY);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IOException(
          "cannot read SSH host key file "
              + file
              + " (an unencrypted OpenSSH or PEM private key): "
              + e.getMessage());
    }
    Iterator<KeyPair> it = keys == null ? null : keys.iterator();
    if (it == null || !it.hasNext()) {
      throw new IOException("cannot read SSH host key file " + file + ": it holds no private key");
    }
    return it.next();
  }
}

package dev.intercept.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host key is generated once, private, and the same at every start; an OpenSSH Ed25519 key is
 * used as is.
 */
class HostKeyFileTest {
  @Test
  void generatedOnceThenStable(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("secret/host_key");
    KeyPair first = HostKeyFile.loadOrCreate(file);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    KeyPair again = HostKeyFile.loadOrCreate(file);
    assertTrue(TunnelKeys.same(first.getPublic(), again.getPublic()));
  }

  @Test
  void anEd25519KeyFromASecretIsUsedAsIs(@TempDir Path dir) throws Exception {
    KeyPair ed = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    Path file = dir.resolve("ssh_host_ed25519_key");
    try (var out = Files.newOutputStream(file)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(ed, "k8s secret", null, out);
    }
    file.toFile().setReadOnly();
    KeyPair loaded = HostKeyFile.loadOrCreate(file);
    assertTrue(TunnelKeys.same(ed.getPublic(), loaded.getPublic()));
    assertTrue(TunnelKeys.toOpenSsh(loaded.getPublic()).startsWith("ssh-ed25519 "));
  }
}

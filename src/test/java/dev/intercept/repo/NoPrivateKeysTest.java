package dev.intercept.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.tunnel.TunnelKeys;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No file of the repository holds a private key: tests and the demo generate theirs at run time.
 */
class NoPrivateKeysTest {

  @Test
  void noTrackedFileHoldsPrivateKeyMaterial() throws Exception {
    List<Path> found = PrivateKeyScan.offenders(Path.of("").toAbsolutePath());
    assertEquals(
        List.of(), found, "private key material in the repository: remove it and rotate the key");
  }

  @Test
  void theScanFindsAGeneratedKeyAndPassesPublicOnes(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream key = new ByteArrayOutputStream();
    OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(TunnelKeys.generate(), "test", null, key);
    Files.write(dir.resolve("id_test"), key.toByteArray());
    Files.writeString(
        dir.resolve("id_test.pub"), TunnelKeys.toOpenSsh(TunnelKeys.generate().getPublic()));
    assertTrue(PrivateKeyScan.holdsKey(dir.resolve("id_test")));
    assertFalse(PrivateKeyScan.holdsKey(dir.resolve("id_test.pub")));
    assertEquals(List.of(Path.of("id_test")), PrivateKeyScan.offenders(dir));
  }
}

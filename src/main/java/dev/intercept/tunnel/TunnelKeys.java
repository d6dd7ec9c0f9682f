package dev.intercept.tunnel;

import dev.intercept.protocol.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;

/** Key material of tunnels: per-intercept client keys and OpenSSH public-key lines. */
public final class TunnelKeys {
  private TunnelKeys() {}

  /** An ECDSA P-256 pair: fast to generate, accepted by every SSH server. */
  public static KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an EC key pair", e);
    }
  }

  /**
   * The pair as an unencrypted OpenSSH private key file's text, what {@code --host-key-file} reads
   * (install prints one into a Secret).
   */
  public static String privateKeyText(KeyPair pair, String comment) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, comment, null, out);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot write an OpenSSH private key", e);
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  /** "ecdsa-sha2-nistp256 AAAA..." */
  public static String toOpenSsh(PublicKey key) {
    return PublicKeyEntry.toString(key);
  }

  /** Parses an OpenSSH public-key line; {@link InvalidInputException} when it is not one. */
  public static PublicKey parse(String line) {
    try {
      PublicKey key =
          AuthorizedKeyEntry.parseAuthorizedKeyEntry(line.trim())
              .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
      if (key == null) {
        throw new InvalidInputException("publicKey is empty");
      }
      return key;
    } catch (InvalidInputException e) {
      throw e;
    } catch (Exception e) {
      throw new InvalidInputException(
          "publicKey is not an OpenSSH public key line (e.g. 'ecdsa-sha2-nistp256 AAAA...'): "
              + e.getMessage());
    }
  }

  public static boolean same(PublicKey a, PublicKey b) {
    return KeyUtils.compareKeys(a, b);
  }

  public static String fingerprint(PublicKey key) {
    return KeyUtils.getFingerPrint(key);
  }
}

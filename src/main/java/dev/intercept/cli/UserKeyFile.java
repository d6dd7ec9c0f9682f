package dev.intercept.cli;

import dev.intercept.client.SessionOptions;
import dev.intercept.protocol.InvalidInputException;
import dev.intercept.tunnel.TunnelKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * --ssh-key FILE.pub: the user's own public key, read (never copied); their private key stays
 * theirs.
 */
final class UserKeyFile {
  private static final long MAX_BYTES = 16 * 1024;

  private UserKeyFile() {}

  static SessionOptions.UserKey read(Path file) {
    String text;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new InvalidInputException("--ssh-key " + file + " is too large for a public key");
      }
      text = Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new InvalidInputException(
          "--ssh-key: cannot read "
              + file
              + (e instanceof NoSuchFileException ? ": no such file" : ": not readable"));
    }
    if (text.contains("PRIVATE KEY")) {
      throw new InvalidInputException(
          "--ssh-key takes your public key (e.g. ~/.ssh/id_ed25519.pub), not the private key");
    }
    String line = text.lines().findFirst().orElse("");
    try {
      TunnelKeys.parse(line);
    } catch (InvalidInputException e) {
      throw new InvalidInputException("--ssh-key " + file + ": " + e.getMessage());
    }
    String name = file.toString();
    String privateKey =
        name.endsWith(".pub") ? name.substring(0, name.length() - 4) : "YOUR_PRIVATE_KEY";
    return new SessionOptions.UserKey(line, privateKey);
  }
}

package dev.intercept;

import dev.intercept.protocol.Identity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A static token file for a test's proxy (--auth=token-file), made at run time with fresh random
 * tokens: developers alice and bob, an admin, and a sidecar.
 */
public final class TestTokens {
  private final Path file;
  private final Map<String, String> byUser;

  private TestTokens(Path file, Map<String, String> byUser) {
    this.file = file;
    this.byUser = byUser;
  }

  public static TestTokens create() throws IOException {
    Path dir = Files.createTempDirectory("intercept-tokens");
    dir.toFile().deleteOnExit();
    Map<String, String> users = new LinkedHashMap<>();
    Map<String, String> groups =
        Map.of("alice", "", "bob", "", "admin", Identity.ADMINS, "sidecar", Identity.SIDECARS);
    StringBuilder csv = new StringBuilder();
    SecureRandom random = new SecureRandom();
    for (String user : List.of("alice", "bob", "admin", "sidecar")) {
      byte[] b = new byte[24];
      random.nextBytes(b);
      String token = HexFormat.of().formatHex(b);
      users.put(user, token);
      csv.append(token).append(',').append(user).append(",uid-").append(user);
      if (!groups.get(user).isEmpty()) {
        csv.append(",\"").append(groups.get(user)).append('"');
      }
      csv.append('\n');
    }
    Path file = dir.resolve("tokens.csv");
    Files.writeString(file, csv);
    file.toFile().deleteOnExit();
    return new TestTokens(file, users);
  }

  public Path file() {
    return file;
  }

  /** The token of {@code user}: alice, bob, admin or sidecar. */
  public String of(String user) {
    String t = byUser.get(user);
    if (t == null) {
      throw new IllegalArgumentException("no test user " + user);
    }
    return t;
  }

  /** The proxy's arguments for this file. */
  public List<String> proxyArgs() {
    return List.of("--auth", "token-file", "--token-file", file.toString());
  }
}

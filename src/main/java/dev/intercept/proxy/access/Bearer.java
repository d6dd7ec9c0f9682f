package dev.intercept.proxy.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Bearer tokens: read from the Authorization header, and kept only as digests. */
public final class Bearer {
  private Bearer() {}

  /** The token of {@code Authorization: Bearer TOKEN}, or null when there is none. */
  public static String token(String authorization) {
    if (authorization == null) {
      return null;
    }
    String a = authorization.trim();
    if (a.length() < 7 || !a.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String t = a.substring(7).trim();
    return t.isEmpty() ? null : t;
  }

  /** SHA-256 of the token: what maps and caches are keyed by, so no token sits in memory twice. */
  public static String digest(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }
}

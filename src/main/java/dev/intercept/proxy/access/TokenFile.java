package dev.intercept.proxy.access;

import dev.intercept.config.ConfigException;
import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.Identity;
import dev.intercept.retry.Periodic;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileProps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * --auth=token-file: tokens from a file in kube-apiserver's static token format, CSV lines {@code
 * token,user,uid,"group1,group2"} (the groups column may be left out). The file is checked every
 * second and re-read when it changes; a file that no longer parses is refused with a warning and
 * the tokens already read stay. Tokens are kept as SHA-256 digests only.
 */
public final class TokenFile implements Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(TokenFile.class);
  private static final long CHECK_MS = 1_000;

  private final Vertx vertx;
  private final Path file;
  private volatile Map<String, Identity> byDigest;
  private String seen;

  private TokenFile(Vertx vertx, Path file, Map<String, Identity> tokens, String seen) {
    this.vertx = vertx;
    this.file = file;
    this.byDigest = tokens;
    this.seen = seen;
  }

  /** Reads the file now (a bad file stops the proxy: exit 2) and watches it. Blocking. */
  public static TokenFile watch(Vertx vertx, Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      TokenFile t =
          new TokenFile(
              vertx,
              file,
              parse(text),
              stamp(Files.getLastModifiedTime(file).toMillis(), Files.size(file)));
      vertx.setPeriodic(CHECK_MS, Periodic.onTimer("token file check", t::check));
      LOG.info("token file {}: {} tokens", file, t.byDigest.size());
      return t;
    } catch (IOException e) {
      throw new ConfigException("token-file " + file + " cannot be read: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("token-file " + file + ": " + e.getMessage());
    }
  }

  private static String stamp(long modified, long size) {
    return modified + "/" + size;
  }

  private void check() {
    vertx
        .fileSystem()
        .props(file.toString())
        .compose(
            (FileProps p) -> {
              String now = stamp(p.lastModifiedTime(), p.size());
              if (now.equals(seen)) {
                return Future.succeededFuture();
              }
              seen = now;
              return vertx.fileSystem().readFile(file.toString()).map(b -> reload(b.toString()));
            })
        .onFailure(e -> LOG.warn("token file {} cannot be read: {}", file, e.getMessage()));
  }

  private Void reload(String text) {
    try {
      byDigest = parse(text);
      LOG.info("token file {} changed: {} tokens", file, byDigest.size());
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "token file {} changed but is refused ({}); the previous tokens stay",
          file,
          e.getMessage());
    }
    return null;
  }

  @Override
  public Future<Identity> authenticate(String token) {
    if (token == null) {
      return Future.failedFuture(
          new ApiFailure.Unauthenticated(
              "a bearer token is required (Authorization: Bearer TOKEN)"));
    }
    Identity who = byDigest.get(Bearer.digest(token));
    return who != null
        ? Future.succeededFuture(who)
        : Future.failedFuture(new ApiFailure.Unauthenticated("the token is not valid"));
  }

  /** Parses the whole file; any bad line refuses it, with its line number. */
  static Map<String, Identity> parse(String text) {
    Map<String, Identity> out = new HashMap<>();
    String[] lines = text.split("\r?\n");
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      List<String> f = csv(line, n + 1);
      if (f.size() < 3 || f.get(0).isEmpty() || f.get(1).isEmpty()) {
        throw new IllegalArgumentException(
            "line " + (n + 1) + " is not token,user,uid[,\"group1,group2\"]");
      }
      Set<String> groups = new LinkedHashSet<>();
      if (f.size() > 3) {
        for (String g : f.get(3).split(",")) {
          if (!g.isBlank()) {
            groups.add(g.strip());
          }
        }
      }
      if (out.put(Bearer.digest(f.get(0)), new Identity(f.get(1), f.get(2), groups)) != null) {
        throw new IllegalArgumentException("line " + (n + 1) + " repeats a token");
      }
    }
    return Map.copyOf(out);
  }

  /**
   * One CSV line: fields separated by commas, a field may be double-quoted ("" escapes a quote).
   */
  private static List<String> csv(String line, int n) {
    List<String> fields = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(cur.toString().strip());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("line " + n + " has an unclosed quote");
    }
    fields.add(cur.toString().strip());
    return fields;
  }
}

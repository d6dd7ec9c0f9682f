package dev.intercept.api;

import dev.intercept.retry.Periodic;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A token kept in a file that something else rotates (a projected service-account token): read at
 * start, checked every few seconds and re-read when it changed, and re-read at once when the proxy
 * refuses it. Reads never block an event loop.
 */
public final class TokenFileCredentials implements Credentials {
  private static final Logger LOG = LoggerFactory.getLogger(TokenFileCredentials.class);
  private static final long CHECK_MS = 5_000;

  private final Vertx vertx;
  private final Path file;
  private volatile String token;
  private volatile long modified;

  private TokenFileCredentials(Vertx vertx, Path file, String token, long modified) {
    this.vertx = vertx;
    this.file = file;
    this.token = token;
    this.modified = modified;
  }

  /** Reads the file now (blocking: start-up only) and watches it. */
  public static TokenFileCredentials watch(Vertx vertx, Path file) throws IOException {
    TokenFileCredentials c =
        new TokenFileCredentials(
            vertx,
            file,
            Files.readString(file, StandardCharsets.UTF_8).strip(),
            Files.getLastModifiedTime(file).toMillis());
    vertx.setPeriodic(
        CHECK_MS, Periodic.onTimer("token file check", () -> c.reloadIfChanged(false)));
    return c;
  }

  @Override
  public String token() {
    return token.isEmpty() ? null : token;
  }

  @Override
  public Future<Boolean> refresh() {
    return reloadIfChanged(true);
  }

  private Future<Boolean> reloadIfChanged(boolean always) {
    String before = token;
    return vertx
        .fileSystem()
        .props(file.toString())
        .compose(
            p -> {
              if (!always && p.lastModifiedTime() == modified) {
                return Future.succeededFuture(false);
              }
              modified = p.lastModifiedTime();
              return vertx
                  .fileSystem()
                  .readFile(file.toString())
                  .map(
                      b -> {
                        token = b.toString(StandardCharsets.UTF_8).strip();
                        return !token.equals(before);
                      });
            })
        .onFailure(e -> LOG.warn("token file {} cannot be read: {}", file, e.getMessage()))
        .recover(e -> Future.succeededFuture(false));
  }
}

package dev.intercept;

import dev.intercept.config.Config;
import dev.intercept.config.ConfigKey;
import dev.intercept.config.Role;
import dev.intercept.it.Http;
import dev.intercept.proxy.ProxyRole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real proxy in this JVM for the tests that need one: API and SSH on loopback port 0 (read back),
 * forward ports from a pool of free loopback ports, --auth=token-file with {@link TestTokens}, the
 * environment ignored. Closing it stops the proxy and its Vert.x.
 */
public final class ProxyFixture implements AutoCloseable {
  private final ProxyRole.Running running;
  private final TestTokens tokens;

  private ProxyFixture(ProxyRole.Running running, TestTokens tokens) {
    this.running = running;
    this.tokens = tokens;
  }

  /**
   * A proxy with {@code overrides} over the loopback defaults above, authenticating with a fresh
   * token file ({@link #token}).
   */
  public static ProxyFixture start(Map<ConfigKey<?>, ?> overrides) throws Exception {
    TestTokens tokens = TestTokens.create();
    Map<ConfigKey<?>, Object> settings = new HashMap<>();
    settings.put(ConfigKey.AUTH, "token-file");
    settings.put(ConfigKey.TOKEN_FILE, tokens.file().toString());
    settings.put(ConfigKey.LISTEN_HOST, "127.0.0.1");
    settings.put(ConfigKey.API_PORT, 0);
    settings.put(ConfigKey.SSH_PORT, 0);
    settings.put(ConfigKey.FORWARD_BIND_HOST, "127.0.0.1");
    settings.put(ConfigKey.FORWARD_PORTS, Http.freePorts(2));
    settings.putAll(overrides);
    Vertx vertx = Vertx.vertx();
    try {
      return new ProxyFixture(
          await(ProxyRole.start(vertx, Config.of(Role.PROXY, settings, "test"))), tokens);
    } catch (Exception | Error e) {
      vertx.close();
      throw e;
    }
  }

  public static ProxyFixture start() throws Exception {
    return start(Map.of());
  }

  public static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  public ProxyRole.Running running() {
    return running;
  }

  /** The token of a test user: alice, bob (developers), admin, sidecar. */
  public String token(String user) {
    return tokens.of(user);
  }

  public Vertx vertx() {
    return running.vertx();
  }

  public int apiPort() {
    return running.apiPort();
  }

  public int sshPort() {
    return running.sshPort();
  }

  @Override
  public void close() throws Exception {
    await(running.stop());
  }
}

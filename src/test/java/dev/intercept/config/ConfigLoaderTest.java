package dev.intercept.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  Config load(Role role, Path file, Map<ConfigKey, Object> flags) throws Exception {
    return ConfigLoader.load(vertx, role, file, flags)
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void layersDefaultsFileSystemPropertiesFlagsLaterWins(@TempDir Path dir) throws Exception {
    Path yaml = dir.resolve("proxy.yaml");
    Files.writeString(yaml, "api-port: 7001\nssh-port: 7002\nlease-seconds: 20\n");
    Map<ConfigKey, Object> flags = new EnumMap<>(ConfigKey.class);
    flags.put(ConfigKey.SSH_PORT, 7102);
    System.setProperty("intercept.lease-seconds", "30");
    System.setProperty("intercept.ssh-port", "7202");
    try {
      Config c = load(Role.PROXY, yaml, flags);
      assertEquals(7001, c.port(ConfigKey.API_PORT), "file over default");
      assertEquals(30, c.integer(ConfigKey.LEASE_SECONDS, 1, 100), "system property over file");
      assertEquals(7102, c.port(ConfigKey.SSH_PORT), "flag over system property");
      assertEquals("9000-9015", c.string(ConfigKey.FORWARD_PORTS), "default");
      assertEquals(16, c.portList(ConfigKey.FORWARD_PORTS).size());
    } finally {
      System.clearProperty("intercept.lease-seconds");
      System.clearProperty("intercept.ssh-port");
    }
  }

  @Test
  void jsonFilesWorkAndUnknownKeysAreRefused(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("sidecar.json");
    Files.writeString(json, "{\"app-port\": 8080, \"app-name\": \"myapp\"}");
    Config c = load(Role.SIDECAR, json, Map.of());
    assertEquals(8080, c.integer(ConfigKey.APP_PORT, 1, 65535));
    Files.writeString(json, "{\"api-port\": 1}");
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> load(Role.SIDECAR, json, Map.of()));
    assertTrue(
        e.getCause().getMessage().contains("unknown key 'api-port' for role sidecar"),
        e.getCause().getMessage());
  }

  @Test
  void valuesAreCheckedWithAReason() {
    Config c =
        new Config(
            Role.PROXY,
            new io.vertx.core.json.JsonObject()
                .put("forward-ports", "9000-8000")
                .put("api-port", "x"));
    assertTrue(
        assertThrows(ConfigException.class, () -> c.portList(ConfigKey.FORWARD_PORTS))
            .getMessage()
            .contains("forward-ports must be"));
    assertTrue(
        assertThrows(ConfigException.class, () -> c.port(ConfigKey.API_PORT))
            .getMessage()
            .contains("api-port must be a whole number"));
    Config list =
        new Config(
            Role.PROXY,
            new io.vertx.core.json.JsonObject().put("forward-ports", "9000, 9002-9003"));
    assertEquals(java.util.List.of(9000, 9002, 9003), list.portList(ConfigKey.FORWARD_PORTS));
  }

  @Test
  void theExampleConfigsLoadForTheirRoles() throws Exception {
    for (Role r : Role.values()) {
      Config c = load(r, Path.of("config", r.id() + ".yaml"), Map.of());
      assertTrue(c.describe().length() > 2, r.id());
    }
  }

  @Test
  void everyKeyIsDocumentedOnce() throws Exception {
    String doc = Files.readString(Path.of("docs/configuration.md"));
    for (ConfigKey k : ConfigKey.values()) {
      assertTrue(doc.contains("| `" + k.key() + "` |"), "docs/configuration.md lists " + k.key());
      assertTrue(doc.contains(k.envName()), "docs/configuration.md names " + k.envName());
    }
  }
}

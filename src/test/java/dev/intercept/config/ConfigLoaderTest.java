package dev.intercept.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  Config load(Role role, Path file, Map<ConfigKey<?>, ?> flags) throws Exception {
    return ConfigLoader.load(vertx, role, file, flags)
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  String refusal(Role role, Path file, Map<ConfigKey<?>, ?> flags) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> load(role, file, flags));
    assertTrue(e.getCause() instanceof ConfigException, e.getCause().toString());
    return e.getCause().getMessage();
  }

  @Test
  void layersDefaultsFileSystemPropertiesFlagsLaterWins(@TempDir Path dir) throws Exception {
    Path yaml = dir.resolve("proxy.yaml");
    Files.writeString(yaml, "api-port: 7001\nssh-port: 7002\nlease-seconds: 20\n");
    System.setProperty("intercept.lease-seconds", "30");
    System.setProperty("intercept.ssh-port", "7202");
    try {
      Config c = load(Role.PROXY, yaml, Map.of(ConfigKey.SSH_PORT, "7102"));
      assertEquals(7001, c.get(ConfigKey.API_PORT), "file over default");
      assertEquals(30, c.get(ConfigKey.LEASE_SECONDS), "system property over file");
      assertEquals(7102, c.get(ConfigKey.SSH_PORT), "flag over system property");
      assertEquals(16, c.get(ConfigKey.FORWARD_PORTS).size(), "default 9000-9015");
      assertEquals(9000, c.get(ConfigKey.FORWARD_PORTS).get(0));
    } finally {
      System.clearProperty("intercept.lease-seconds");
      System.clearProperty("intercept.ssh-port");
    }
  }

  @Test
  void jsonFilesWorkAndUnknownKeysAreRefused(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("sidecar.json");
    Files.writeString(
        json, "{\"app-port\": 8080, \"app-name\": \"myapp\", \"proxy-url\": [\"http://a:1\"]}");
    Config c = load(Role.SIDECAR, json, Map.of());
    assertEquals(8080, c.get(ConfigKey.APP_PORT));
    assertEquals(List.of(URI.create("http://a:1")), c.get(ConfigKey.PROXY_URL), "a YAML/JSON list");
    Files.writeString(json, "{\"api-port\": 1}");
    assertTrue(
        refusal(Role.SIDECAR, json, Map.of()).contains("unknown key 'api-port' for role sidecar"));
  }

  @Test
  void everyBadValueIsRefusedNamingTheSettingWhatItAcceptsAndWhereItCameFrom(@TempDir Path dir)
      throws Exception {
    Map<ConfigKey<?>, String> bad =
        Map.of(
            ConfigKey.API_PORT, "eighty",
            ConfigKey.SSH_PORT, "70000",
            ConfigKey.FORWARD_PORTS, "9000-8000",
            ConfigKey.CLUSTER, "yes",
            ConfigKey.LISTEN_HOST, "",
            ConfigKey.LEASE_SECONDS, "0");
    for (var e : bad.entrySet()) {
      String why = refusal(Role.PROXY, null, Map.of(e.getKey(), e.getValue()));
      assertEquals(
          e.getKey().key()
              + " must be "
              + e.getKey().type().accepts()
              + ", got '"
              + e.getValue()
              + "'",
          why);
    }
    assertEquals(
        "data-plane must be one of builtin, envoy, got 'nginx'",
        refusal(Role.SIDECAR, null, Map.of(ConfigKey.APP_PORT, 1, ConfigKey.DATA_PLANE, "nginx")));
    Path yaml = Files.writeString(dir.resolve("c.yaml"), "renew-seconds: often\n");
    assertEquals(
        "renew-seconds must be a whole number from 1 to 3600, got 'often' (from " + yaml + ")",
        refusal(Role.CLIENT, yaml, Map.of()));
    System.setProperty("intercept.proxy-url", "https://x");
    try {
      assertEquals(
          "proxy-url must be http://HOST[:PORT] URLs, comma-separated, or empty, got 'https://x'"
              + " (from -Dintercept.proxy-url)",
          refusal(Role.CLIENT, null, Map.of()));
    } finally {
      System.clearProperty("intercept.proxy-url");
    }
  }

  @Test
  void aRequiredSettingSaysHowToSetIt() {
    assertEquals(
        "app-port is required (set APPPORT or --app-port)",
        refusal(Role.SIDECAR, null, Map.of(ConfigKey.APP_NAME, "myapp")));
  }

  @Test
  void portListsAndUrlListsAreTyped() {
    Config c =
        Config.of(
            Role.PROXY,
            Map.of(ConfigKey.FORWARD_PORTS, "9000, 9002-9003,9000", ConfigKey.CLUSTER, "true"),
            "test");
    assertEquals(List.of(9000, 9002, 9003), c.get(ConfigKey.FORWARD_PORTS));
    assertEquals(true, c.get(ConfigKey.CLUSTER));
    assertTrue(c.describe().contains("forward-ports=9000,9002-9003"), c.describe());
    assertThrows(IllegalArgumentException.class, () -> c.get(ConfigKey.APP_PORT), "not a proxy's");
  }

  @Test
  void theExampleConfigsLoadForTheirRoles() throws Exception {
    for (Role r : Role.values()) {
      Map<ConfigKey<?>, ?> required =
          r == Role.SIDECAR ? Map.of(ConfigKey.APP_PORT, 8080) : Map.of();
      Config c = load(r, Path.of("config", r.id() + ".yaml"), required);
      assertTrue(c.describe().length() > 2, r.id());
    }
  }

  @Test
  void theConfigurationPageIsTheDeclarationsTable() throws Exception {
    String page = Files.readString(Path.of("docs/configuration.md"));
    assertTrue(
        page.contains(ConfigDoc.table()),
        "docs/configuration.md differs from the settings' declarations: run `make docs`");
  }
}

package dev.intercept.config;

import dev.intercept.config.Config.Source;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Layers a role's configuration with vertx-config, later wins: defaults, config file, environment,
 * system properties, command-line flags. Environment and system-property names come from the
 * settings' declarations and are mapped here and nowhere else.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  /** {@code flags}: values given on the command line (text or typed), null entries ignored. */
  public static Future<Config> load(Vertx vertx, Role role, Path file, Map<ConfigKey<?>, ?> flags) {
    if (file != null && !Files.isRegularFile(file)) {
      return Future.failedFuture(new ConfigException("config file " + file + " does not exist"));
    }
    Future<Map<ConfigKey<?>, Source>> fromFile =
        file == null
            ? Future.succeededFuture(Map.of())
            : retrieve(vertx, fileStore(file)).map(json -> fileLayer(role, json, file));
    Future<Map<ConfigKey<?>, Source>> fromEnv =
        retrieve(vertx, rawStore("env")).map(env -> envLayer(role, env));
    Future<Map<ConfigKey<?>, Source>> fromSys =
        retrieve(vertx, rawStore("sys")).map(sys -> sysLayer(role, sys));
    return Future.all(fromFile, fromEnv, fromSys)
        .map(
            all -> {
              Map<ConfigKey<?>, Source> merged = new HashMap<>();
              merged.putAll(fromFile.result());
              merged.putAll(fromEnv.result());
              merged.putAll(fromSys.result());
              flags.forEach(
                  (k, v) -> {
                    if (v != null) {
                      merged.put(k, new Source(Config.text(v), k.flag()));
                    }
                  });
              return Config.of(role, merged);
            });
  }

  /** Values as the text they were given in: validation is the settings' job. */
  private static ConfigStoreOptions rawStore(String type) {
    return new ConfigStoreOptions().setType(type).setConfig(new JsonObject().put("raw-data", true));
  }

  private static ConfigStoreOptions fileStore(Path file) {
    String name = file.getFileName().toString();
    String format = name.endsWith(".yaml") || name.endsWith(".yml") ? "yaml" : "json";
    return new ConfigStoreOptions()
        .setType("file")
        .setFormat(format)
        .setConfig(new JsonObject().put("path", file.toAbsolutePath().toString()));
  }

  private static Future<JsonObject> retrieve(Vertx vertx, ConfigStoreOptions store) {
    ConfigRetriever retriever =
        ConfigRetriever.create(
            vertx,
            new ConfigRetrieverOptions()
                .setScanPeriod(0)
                .setIncludeDefaultStores(false)
                .addStore(store));
    return retriever
        .getConfig()
        .recover(
            e ->
                Future.failedFuture(
                    new ConfigException("cannot read configuration: " + rootMessage(e))))
        .onComplete(ar -> retriever.close());
  }

  private static String rootMessage(Throwable e) {
    while (e.getCause() != null) {
      e = e.getCause();
    }
    return e.getMessage();
  }

  /** A file names settings by key; one the role does not have is an error, not ignored. */
  private static Map<ConfigKey<?>, Source> fileLayer(Role role, JsonObject json, Path file) {
    Map<ConfigKey<?>, Source> out = new HashMap<>();
    List<ConfigKey<?>> keys = ConfigKey.of(role);
    for (String name : json.fieldNames()) {
      ConfigKey<?> k = keys.stream().filter(c -> c.key().equals(name)).findFirst().orElse(null);
      if (k == null) {
        throw new ConfigException(
            "unknown key '"
                + name
                + "' for role "
                + role.id()
                + " in "
                + file
                + " (see docs/configuration.md)");
      }
      Object v = json.getValue(name);
      if (v != null) {
        String text = Config.text(v instanceof JsonArray a ? a.getList() : v);
        out.put(k, new Source(text, file.toString()));
      }
    }
    return out;
  }

  /** INTERCEPT_X, and the seed's APPNAME/APPPORT (INTERCEPT_X wins when both are set). */
  private static Map<ConfigKey<?>, Source> envLayer(Role role, JsonObject env) {
    Map<ConfigKey<?>, Source> out = new HashMap<>();
    for (ConfigKey<?> k : ConfigKey.of(role)) {
      for (String name : new String[] {k.alias(), k.envName()}) {
        if (name != null && env.containsKey(name)) {
          out.put(k, new Source(Config.text(env.getValue(name)), name));
        }
      }
    }
    return out;
  }

  private static Map<ConfigKey<?>, Source> sysLayer(Role role, JsonObject sys) {
    Map<ConfigKey<?>, Source> out = new HashMap<>();
    for (ConfigKey<?> k : ConfigKey.of(role)) {
      if (sys.containsKey(k.sysPropName())) {
        out.put(k, new Source(Config.text(sys.getValue(k.sysPropName())), "-D" + k.sysPropName()));
      }
    }
    return out;
  }
}

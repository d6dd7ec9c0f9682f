package dev.intercept.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Layers a role's configuration with vertx-config, later wins: defaults, config file, environment,
 * system properties, command-line flags. Environment and system-property names are mapped to keys
 * here and nowhere else.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  public static Future<Config> load(
      Vertx vertx, Role role, Path file, Map<ConfigKey, Object> flags) {
    if (file != null && !Files.isRegularFile(file)) {
      return Future.failedFuture(new ConfigException("config file " + file + " does not exist"));
    }
    List<Future<JsonObject>> layers = new ArrayList<>();
    layers.add(Future.succeededFuture(defaults(role)));
    layers.add(
        file == null ? Future.succeededFuture(new JsonObject()) : retrieve(vertx, fileStore(file)));
    layers.add(
        retrieve(vertx, new ConfigStoreOptions().setType("env"))
            .map(env -> renamed(role, env, true)));
    layers.add(
        retrieve(vertx, new ConfigStoreOptions().setType("sys"))
            .map(sys -> renamed(role, sys, false)));
    JsonObject flagLayer = new JsonObject();
    flags.forEach(
        (k, v) -> {
          if (v != null) {
            flagLayer.put(k.key(), v);
          }
        });
    layers.add(Future.succeededFuture(flagLayer));
    return Future.all(layers)
        .map(
            all -> {
              JsonObject merged = new JsonObject();
              for (int i = 0; i < layers.size(); i++) {
                JsonObject layer = all.resultAt(i);
                if (i == 1) {
                  checkKnownKeys(role, layer, file);
                }
                merged.mergeIn(layer);
              }
              return new Config(role, merged);
            });
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

  static JsonObject defaults(Role role) {
    JsonObject d = new JsonObject();
    for (ConfigKey k : ConfigKey.values()) {
      if (k.roles().contains(role) && k.defaultValue() != null) {
        d.put(k.key(), k.defaultValue());
      }
    }
    return d;
  }

  /** Keeps only this role's keys, renamed from INTERCEPT_X / APPNAME or intercept.x. */
  private static JsonObject renamed(Role role, JsonObject source, boolean env) {
    JsonObject out = new JsonObject();
    for (ConfigKey k : ConfigKey.values()) {
      if (!k.roles().contains(role)) {
        continue;
      }
      if (env) {
        if (k.alias() != null && source.containsKey(k.alias())) {
          out.put(k.key(), source.getValue(k.alias()));
        }
        if (source.containsKey(k.envName())) {
          out.put(k.key(), source.getValue(k.envName()));
        }
      } else if (source.containsKey(k.sysPropName())) {
        out.put(k.key(), source.getValue(k.sysPropName()));
      }
    }
    return out;
  }

  private static void checkKnownKeys(Role role, JsonObject fileLayer, Path file) {
    for (String name : fileLayer.fieldNames()) {
      boolean known = false;
      for (ConfigKey k : ConfigKey.values()) {
        known |= k.key().equals(name) && k.roles().contains(role);
      }
      if (!known) {
        throw new ConfigException(
            "unknown key '"
                + name
                + "' for role "
                + role.id()
                + " in "
                + file
                + " (see docs/configuration.md)");
      }
    }
  }
}

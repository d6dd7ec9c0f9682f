package dev.intercept.envoy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Envoy's bootstrap: where its admin listens and where it reads the resources we write. */
public final class EnvoyBootstrap {
  private EnvoyBootstrap() {}

  /**
   * bootstrap.yaml: admin on loopback only; LDS and CDS from files in a watched directory; the RE2
   * program-size limit the proxy enforces (Envoy's own default is 100), as a static runtime layer.
   */
  public static JsonObject bootstrap(
      String nodeId, String cluster, int adminPort, String dir, int maxProgramSize) {
    JsonObject watched = new JsonObject().put("path", dir);
    return new JsonObject()
        .put("node", new JsonObject().put("id", nodeId).put("cluster", cluster))
        .put(
            "admin",
            new JsonObject()
                .put("address", new EnvoyResources.SocketAddress("127.0.0.1", adminPort).toJson()))
        .put(
            "dynamic_resources",
            new JsonObject()
                .put(
                    "lds_config",
                    new JsonObject()
                        .put("resource_api_version", "V3")
                        .put(
                            "path_config_source",
                            new JsonObject()
                                .put("path", dir + "/lds.yaml")
                                .put("watched_directory", watched)))
                .put(
                    "cds_config",
                    new JsonObject()
                        .put("resource_api_version", "V3")
                        .put(
                            "path_config_source",
                            new JsonObject()
                                .put("path", dir + "/cds.yaml")
                                .put("watched_directory", watched.copy()))))
        .put(
            "layered_runtime",
            new JsonObject()
                .put(
                    "layers",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("name", "intercept")
                                .put(
                                    "static_layer",
                                    new JsonObject()
                                        .put(
                                            "re2.max_program_size.error_level", maxProgramSize)))));
  }
}

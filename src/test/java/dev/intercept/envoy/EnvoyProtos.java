package dev.intercept.envoy;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * Strict parsing of what the sidecar writes, with Envoy's own v3 protos: every {@code @type} we
 * emit is registered, and JsonFormat rejects unknown fields (including deprecated ones removed from
 * v3) and wrong types, as Envoy does at load.
 */
final class EnvoyProtos {
  private static final JsonFormat.Parser PARSER =
      JsonFormat.parser()
          .usingTypeRegistry(
              JsonFormat.TypeRegistry.newBuilder()
                  .add(Listener.getDescriptor())
                  .add(Cluster.getDescriptor())
                  .add(HttpConnectionManager.getDescriptor())
                  .add(Router.getDescriptor())
                  .add(HttpProtocolOptions.getDescriptor())
                  .build());

  private EnvoyProtos() {}

  /** YAML (as Envoy reads the .yaml files) to JSON, to the proto. */
  static <B extends Message.Builder> B parse(String yaml, B builder)
      throws InvalidProtocolBufferException {
    Object tree = new Yaml().load(yaml);
    @SuppressWarnings("unchecked")
    String json = new JsonObject((Map<String, Object>) tree).encode();
    PARSER.merge(json, builder);
    return builder;
  }

  static Bootstrap bootstrap(String yaml) throws InvalidProtocolBufferException {
    return parse(yaml, Bootstrap.newBuilder()).build();
  }

  static DiscoveryResponse discovery(String yaml) throws InvalidProtocolBufferException {
    return parse(yaml, DiscoveryResponse.newBuilder()).build();
  }

  static Listener listener(String ldsYaml) throws InvalidProtocolBufferException {
    DiscoveryResponse r = discovery(ldsYaml);
    if (r.getResourcesCount() != 1) {
      throw new AssertionError("one listener expected, got " + r.getResourcesCount());
    }
    return r.getResources(0).unpack(Listener.class);
  }

  static HttpConnectionManager hcm(Listener l) throws InvalidProtocolBufferException {
    Any typed = l.getFilterChains(0).getFilters(0).getTypedConfig();
    HttpConnectionManager hcm = typed.unpack(HttpConnectionManager.class);
    hcm.getHttpFilters(0).getTypedConfig().unpack(Router.class);
    return hcm;
  }

  /** A cluster's upstream HTTP options (every cluster we write has them). */
  static HttpProtocolOptions upstream(Cluster c) throws InvalidProtocolBufferException {
    return c.getTypedExtensionProtocolOptionsOrThrow(
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
        .unpack(HttpProtocolOptions.class);
  }

  static List<Cluster> clusters(String cdsYaml) throws InvalidProtocolBufferException {
    List<Cluster> out = new ArrayList<>();
    for (Any a : discovery(cdsYaml).getResourcesList()) {
      out.add(a.unpack(Cluster.class));
    }
    return out;
  }
}

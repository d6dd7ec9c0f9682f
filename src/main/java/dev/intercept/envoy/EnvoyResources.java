package dev.intercept.envoy;

import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.Matcher;
import dev.intercept.protocol.Route;
import dev.intercept.protocol.RouteTable;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Envoy's v3 resources for one route table, as a small typed model (records) that renders to the
 * proto3 JSON mapping Envoy reads from its file-based xDS: one listener whose routes are the
 * intercepts in table order (all of an intercept's header matchers as {@code safe_regex}, RE2 full
 * match) then the catch-all to the app, each with its own stats ({@code stat_prefix}); one cluster
 * for the app and one per tunnel target.
 */
public final class EnvoyResources {
  static final String LISTENER_TYPE = "type.googleapis.com/envoy.config.listener.v3.Listener";
  static final String CLUSTER_TYPE = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  static final String HCM_TYPE =
      "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
  static final String ROUTER_TYPE =
      "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";
  public static final String APP_CLUSTER = "app";

  /** The catch-all route's name (and stat prefix). */
  public static final String APP_ROUTE = "app";

  private EnvoyResources() {}

  /**
   * Where Envoy listens and the app is, the route timeout, and how the app speaks (APPPROTOCOL:
   * http, kubernetes.io/h2c, grpc, kubernetes.io/ws).
   */
  public record Site(
      String listenHost,
      int listenPort,
      HostPort app,
      int routeTimeoutSeconds,
      int connectTimeoutSeconds,
      String appProtocol) {
    /** An HTTP/1.1 app. */
    public Site(
        String listenHost,
        int listenPort,
        HostPort app,
        int routeTimeoutSeconds,
        int connectTimeoutSeconds) {
      this(
          listenHost,
          listenPort,
          app,
          routeTimeoutSeconds,
          connectTimeoutSeconds,
          EnvoyProtocol.HTTP);
    }
  }

  record SocketAddress(String host, int port) {
    JsonObject toJson() {
      return new JsonObject()
          .put("socket_address", new JsonObject().put("address", host).put("port_value", port));
    }
  }

  record Cluster(
      String name, SocketAddress endpoint, int connectTimeoutSeconds, String appProtocol) {
    JsonObject toJson() {
      boolean literal = endpoint.host().matches("[0-9.]+") || endpoint.host().contains(":");
      return new JsonObject()
          .put("@type", CLUSTER_TYPE)
          .put("name", name)
          // an IP needs no resolution; a name is resolved and re-resolved by Envoy
          .put("type", literal ? "STATIC" : "STRICT_DNS")
          .put("connect_timeout", connectTimeoutSeconds + "s")
          .put("typed_extension_protocol_options", EnvoyProtocol.upstream(appProtocol))
          .put(
              "load_assignment",
              new JsonObject()
                  .put("cluster_name", name)
                  .put(
                      "endpoints",
                      new JsonArray()
                          .add(
                              new JsonObject()
                                  .put(
                                      "lb_endpoints",
                                      new JsonArray()
                                          .add(
                                              new JsonObject()
                                                  .put(
                                                      "endpoint",
                                                      new JsonObject()
                                                          .put("address", endpoint.toJson())))))));
    }
  }

  record HeaderMatch(String name, String regex) {
    JsonObject toJson() {
      return new JsonObject()
          .put("name", name)
          .put(
              "string_match",
              new JsonObject().put("safe_regex", new JsonObject().put("regex", regex)));
    }
  }

  record RouteEntry(String name, List<HeaderMatch> headers, String cluster, Site site) {
    JsonObject toJson() {
      JsonObject match = new JsonObject().put("prefix", "/");
      if (!headers.isEmpty()) {
        JsonArray h = new JsonArray();
        headers.forEach(m -> h.add(m.toJson()));
        match.put("headers", h);
      }
      return new JsonObject()
          .put("name", name)
          .put("match", match)
          // per-route counters at vhost.intercept.route.<name>. (EnvoyStats reads them)
          .put("stat_prefix", name)
          .put("route", EnvoyProtocol.routeAction(cluster, site));
    }
  }

  record Listener(String name, SocketAddress address, List<RouteEntry> routes, Site site) {
    JsonObject toJson() {
      JsonArray r = new JsonArray();
      routes.forEach(e -> r.add(e.toJson()));
      JsonObject hcm =
          EnvoyProtocol.codecs(
                  forwardingPolicy(
                      new JsonObject().put("@type", HCM_TYPE).put("stat_prefix", name)),
                  site)
              .put(
                  "route_config",
                  new JsonObject()
                      .put("name", name)
                      .put(
                          "virtual_hosts",
                          new JsonArray()
                              .add(
                                  new JsonObject()
                                      .put("name", name)
                                      .put("domains", new JsonArray().add("*"))
                                      .put("routes", r))))
              .put(
                  "http_filters",
                  new JsonArray()
                      .add(
                          new JsonObject()
                              .put("name", "envoy.filters.http.router")
                              .put("typed_config", new JsonObject().put("@type", ROUTER_TYPE))));
      return new JsonObject()
          .put("@type", LISTENER_TYPE)
          .put("name", name)
          .put("address", address.toJson())
          .put(
              "filter_chains",
              new JsonArray()
                  .add(
                      new JsonObject()
                          .put(
                              "filters",
                              new JsonArray()
                                  .add(
                                      new JsonObject()
                                          .put(
                                              "name",
                                              "envoy.filters.network.http_connection_manager")
                                          .put("typed_config", hcm)))));
    }
  }

  /**
   * What the app is told about the client, as the built-in router tells it: Envoy appends the peer
   * to x-forwarded-for and sets x-forwarded-proto from the connection (trusting no client's
   * headers) and keeps an incoming x-request-id ({@link EnvoyProtocol#codecs} refuses
   * Content-Length with Transfer-Encoding). Envoy removes headers the Connection header names
   * whatever the config; no field for that.
   */
  static JsonObject forwardingPolicy(JsonObject hcm) {
    return hcm.put("use_remote_address", true)
        .put("xff_num_trusted_hops", 0)
        .put("skip_xff_append", false)
        // use_remote_address makes Envoy replace the id of a request from outside (since Envoy
        // 1.33 every address is outside unless internal_address_config says otherwise)
        .put("preserve_external_request_id", true);
  }

  /** The virtual host's name, the root of the routes' stats. */
  public static final String VHOST = "intercept";

  /** The name (and stat prefix) of an intercept's route. */
  public static String routeName(String intercept) {
    return "intercept-" + intercept;
  }

  /** The cluster name of a tunnel target: stable while the target is. */
  public static String clusterName(HostPort target) {
    return "tunnel-" + target.host().replace(':', '_') + "-" + target.port();
  }

  static List<Cluster> clusters(Site site, RouteTable table) {
    Map<String, Cluster> byName = new LinkedHashMap<>();
    byName.put(
        APP_CLUSTER,
        new Cluster(
            APP_CLUSTER,
            new SocketAddress(site.app().host(), site.app().port()),
            site.connectTimeoutSeconds(),
            site.appProtocol()));
    for (Route r : table.routes()) {
      String name = clusterName(r.target());
      byName.putIfAbsent(
          name,
          new Cluster(
              name,
              new SocketAddress(r.target().host(), r.target().port()),
              site.connectTimeoutSeconds(),
              site.appProtocol()));
    }
    return new ArrayList<>(byName.values());
  }

  static Listener listener(Site site, RouteTable table) {
    List<RouteEntry> routes = new ArrayList<>();
    for (Route r : table.routes()) {
      List<HeaderMatch> headers = new ArrayList<>();
      for (Matcher m : r.matchers()) {
        headers.add(new HeaderMatch(m.header(), m.regex()));
      }
      routes.add(new RouteEntry(routeName(r.name()), headers, clusterName(r.target()), site));
    }
    routes.add(new RouteEntry(APP_ROUTE, List.of(), APP_CLUSTER, site));
    return new Listener(
        VHOST, new SocketAddress(site.listenHost(), site.listenPort()), routes, site);
  }

  /** lds.yaml's content: a DiscoveryResponse holding the listener. */
  public static JsonObject lds(Site site, RouteTable table) {
    return discoveryResponse(table.version(), new JsonArray().add(listener(site, table).toJson()));
  }

  /** cds.yaml's content for the given tables' clusters (several: the union, while switching). */
  public static JsonObject cds(Site site, long version, RouteTable... tables) {
    Map<String, JsonObject> byName = new LinkedHashMap<>();
    for (RouteTable t : tables) {
      clusters(site, t).forEach(c -> byName.putIfAbsent(c.name(), c.toJson()));
    }
    return discoveryResponse(version, new JsonArray(new ArrayList<>(byName.values())));
  }

  private static JsonObject discoveryResponse(long version, JsonArray resources) {
    return new JsonObject().put("version_info", Long.toString(version)).put("resources", resources);
  }
}

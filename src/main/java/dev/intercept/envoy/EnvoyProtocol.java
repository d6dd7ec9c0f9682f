package dev.intercept.envoy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * How Envoy speaks HTTP on the sidecar's behalf, for the app's declared protocol (APPPROTOCOL,
 * values of a Kubernetes Service port's appProtocol): the listener takes HTTP/1.0, HTTP/1.1 and
 * HTTP/2 cleartext alike and passes WebSocket upgrades; the app's cluster and every tunnel cluster
 * speak HTTP/1.1, or HTTP/2 for {@code kubernetes.io/h2c} and {@code grpc}; routes time out on an
 * upstream that stops sending (never on a stream that keeps sending), and gRPC calls on their own
 * {@code grpc-timeout}. docs/envoy.md says why, field by field.
 */
final class EnvoyProtocol {
  static final String HTTP = "http";
  static final String H2C = "kubernetes.io/h2c";
  static final String GRPC = "grpc";
  static final String WS = "kubernetes.io/ws";
  static final String UPSTREAM_HTTP_OPTIONS_TYPE =
      "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
  static final String UPSTREAM_HTTP_OPTIONS_KEY =
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  private EnvoyProtocol() {}

  /** Whether Envoy speaks HTTP/2 (cleartext, prior knowledge) to the app and the tunnels. */
  static boolean http2(String appProtocol) {
    return appProtocol.equals(H2C) || appProtocol.equals(GRPC);
  }

  /**
   * The connection manager's codecs: AUTO (HTTP/2 prior knowledge by its preface, else HTTP/1; an
   * {@code Upgrade: h2c} is declined, as RFC 9113 lets a server, and served as HTTP/1.1), HTTP/1.0
   * accepted, HTTP/1 trailers kept, Content-Length with Transfer-Encoding refused, WebSocket
   * upgrades passed (over HTTP/2 too, by extended CONNECT), and {@code Expect: 100-continue} left
   * to the app to answer.
   */
  static JsonObject codecs(JsonObject hcm, EnvoyResources.Site site) {
    return hcm.put("codec_type", "AUTO")
        .put(
            "http_protocol_options",
            new JsonObject()
                .put("accept_http_10", true)
                .put("default_host_for_http_10", site.app().host() + ":" + site.app().port())
                .put("enable_trailers", true)
                .put("allow_chunked_length", false))
        .put("http2_protocol_options", new JsonObject().put("allow_connect", true))
        .put(
            "upgrade_configs",
            new JsonArray().add(new JsonObject().put("upgrade_type", "websocket")))
        .put("proxy_100_continue", true);
  }

  /**
   * A cluster's upstream protocol: HTTP/2 (prior knowledge) for h2c and gRPC apps, else HTTP/1.1
   * with its trailers kept; said explicitly either way.
   */
  static JsonObject upstream(String appProtocol) {
    JsonObject explicit =
        http2(appProtocol)
            ? new JsonObject()
                .put("http2_protocol_options", new JsonObject().put("allow_connect", true))
            : new JsonObject()
                .put("http_protocol_options", new JsonObject().put("enable_trailers", true));
    return new JsonObject()
        .put(
            UPSTREAM_HTTP_OPTIONS_KEY,
            new JsonObject()
                .put("@type", UPSTREAM_HTTP_OPTIONS_TYPE)
                .put("explicit_http_config", explicit));
  }

  /**
   * A route's timeouts. Envoy's route {@code timeout} counts from the end of the request to the end
   * of the response, which cuts every server-sent-event stream and streamed gRPC response at 15 s;
   * so it is off, and an upstream that sends nothing for the route timeout gets the 504 instead
   * ({@code per_try_idle_timeout}, the built-in router's upstream idle timeout). A gRPC app's calls
   * end at the client's own deadline ({@code grpc-timeout}, any length) and are never cut for
   * idling below Envoy's 5-minute stream idle timeout: a server stream may be quiet for long.
   */
  static JsonObject routeAction(String cluster, EnvoyResources.Site site) {
    JsonObject action = new JsonObject().put("cluster", cluster).put("timeout", "0s");
    if (site.appProtocol().equals(GRPC)) {
      return action.put(
          "max_stream_duration", new JsonObject().put("grpc_timeout_header_max", "0s"));
    }
    return action.put(
        "retry_policy",
        new JsonObject().put("per_try_idle_timeout", site.routeTimeoutSeconds() + "s"));
  }
}

package dev.intercept.sidecar;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The request headers Envoy's connection manager rewrites before routing, as the Envoy data plane
 * is configured ({@code use_remote_address: true}, no trusted hops): the peer appended to
 * x-forwarded-for, x-forwarded-proto from the connection whatever the client said, the peer as
 * x-envoy-external-address, and the headers the Connection header nominates removed; then the
 * hop-by-hop headers that never cross a proxy.
 */
final class ForwardedHeaders {
  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_ENVOY_EXTERNAL_ADDRESS =
      AsciiString.cached("x-envoy-external-address");
  static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
  static final AsciiString X_ENVOY_TIMEOUT = AsciiString.cached("x-envoy-expected-rq-timeout-ms");
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
  private static final AsciiString HTTP = AsciiString.cached("http");

  /** Envoy's HTTP/1 codec refuses a Connection header nominating this many headers or more. */
  private static final int MAX_NOMINATED = 10;

  /** Connection options, not header names: Envoy leaves them for the codec. */
  private static final Set<String> OPTIONS =
      Set.of("close", "keep-alive", "upgrade", "http2-settings", "connection");

  /** Nominating these would hide where the request came from: Envoy refuses the request. */
  private static final Set<String> REFUSED =
      Set.of("x-forwarded-for", "x-forwarded-host", "x-forwarded-proto");

  private ForwardedHeaders() {}

  /**
   * Rewrites the headers the upstream will see; false when Envoy would refuse the request (a 400),
   * in which case nothing may be forwarded.
   */
  static boolean rewrite(HttpHeaders h, AsciiString peer) {
    if (h.contains(HttpHeaderNames.CONNECTION) && !dropNominated(h)) {
      return false;
    }
    String xff = h.get(X_FORWARDED_FOR);
    if (xff == null) {
      h.set(X_FORWARDED_FOR, peer);
    } else {
      List<String> all = h.getAll(X_FORWARDED_FOR);
      h.set(X_FORWARDED_FOR, String.join(",", all) + ", " + peer);
    }
    h.set(X_FORWARDED_PROTO, HTTP);
    // no address is internal to Envoy (its default since 1.33): every request enters at the edge
    h.set(X_ENVOY_EXTERNAL_ADDRESS, peer);
    return true;
  }

  /** Removes the headers the Connection header names; false if Envoy's codec would refuse it. */
  private static boolean dropNominated(HttpHeaders h) {
    List<String> nominated = new ArrayList<>();
    for (String line : h.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : line.split(",")) {
        String name = token.trim().toLowerCase(Locale.ROOT);
        if (!name.isEmpty()) {
          nominated.add(name);
        }
      }
    }
    if (nominated.size() >= MAX_NOMINATED) {
      return false;
    }
    for (String name : nominated) {
      if (REFUSED.contains(name) || name.startsWith(":")) {
        return false;
      }
    }
    for (String name : nominated) {
      if (!OPTIONS.contains(name)) {
        h.remove(name);
      }
    }
    return true;
  }

  /**
   * The hop-by-hop headers of a message about to cross the proxy, removed. Transfer-Encoding stays:
   * it is the framing the HTTP/1 encoder writes (the HTTP/2 encoder drops it). {@code upgrade}: a
   * WebSocket handshake keeps its Upgrade and says so in Connection; {@code te: trailers} stays
   * (gRPC needs it), any other TE goes.
   */
  static void stripHopByHop(HttpHeaders h, boolean upgrade) {
    h.remove(HttpHeaderNames.CONNECTION);
    h.remove(HttpHeaderNames.KEEP_ALIVE);
    h.remove(PROXY_CONNECTION);
    h.remove(Http2CodecUtil.HTTP_UPGRADE_SETTINGS_HEADER);
    if (upgrade) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    } else {
      h.remove(HttpHeaderNames.UPGRADE);
    }
    String te = h.get(HttpHeaderNames.TE);
    if (te != null && !te.equalsIgnoreCase("trailers")) {
      h.remove(HttpHeaderNames.TE);
    }
  }

  /** The x-http2-* headers Netty's HTTP/2 to HTTP/1 conversion adds: internal, never forwarded. */
  static void stripHttp2Extensions(HttpHeaders h) {
    for (ExtensionHeaderNames n : ExtensionHeaderNames.values()) {
      h.remove(n.text());
    }
  }
}

package dev.intercept.sidecar;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.ProxyRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The request headers Envoy's connection manager rewrites before routing, as the Envoy data plane
 * is configured ({@code use_remote_address: true}, no trusted hops): the peer appended to
 * x-forwarded-for, x-forwarded-proto from the connection whatever the client said, the peer as
 * x-envoy-external-address, and the headers the Connection header nominates removed. vertx-http-
 * proxy already drops the standard hop-by-hop headers when it forwards, but not nominated ones.
 */
final class EnvoyRequestHeaders {
  /** Envoy's HTTP/1 codec refuses a Connection header nominating this many headers or more. */
  private static final int MAX_NOMINATED = 10;

  /** Connection options, not header names: Envoy leaves them for the codec. */
  private static final Set<String> OPTIONS =
      Set.of("close", "keep-alive", "upgrade", "http2-settings", "connection");

  /** Nominating these would hide where the request came from: Envoy refuses the request. */
  private static final Set<String> REFUSED =
      Set.of("x-forwarded-for", "x-forwarded-host", "x-forwarded-proto");

  private EnvoyRequestHeaders() {}

  /**
   * Rewrites the headers the upstream will see; false when Envoy would refuse the request (a 400),
   * in which case nothing may be forwarded.
   */
  static boolean rewrite(ProxyRequest pr) {
    MultiMap h = pr.headers();
    if (!dropNominated(h)) {
      return false;
    }
    // the one hop-by-hop header Envoy drops that vertx-http-proxy forwards
    h.remove("proxy-connection");
    HttpServerRequest in = pr.proxiedRequest();
    String peer = in.remoteAddress().hostAddress();
    List<String> xff = h.getAll("x-forwarded-for");
    h.set("x-forwarded-for", xff.isEmpty() ? peer : String.join(",", xff) + ", " + peer);
    h.set("x-forwarded-proto", in.isSSL() ? "https" : "http");
    // no address is internal to Envoy (its default since 1.33): every request enters at the edge
    h.set("x-envoy-external-address", peer);
    return true;
  }

  /** Removes the headers the Connection header names; false if Envoy's codec would refuse it. */
  private static boolean dropNominated(MultiMap h) {
    List<String> nominated = new ArrayList<>();
    for (String line : h.getAll("connection")) {
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
}

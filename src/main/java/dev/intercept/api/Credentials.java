package dev.intercept.api;

import io.vertx.core.Future;

/**
 * The bearer token a role sends to the proxy API. {@link #refresh} gets a new one when the proxy
 * refused the last (an expired exec-plugin token); sources that cannot refresh answer false.
 */
public interface Credentials {
  /** The token to send now, or null to send none. */
  String token();

  /** Tries for a new token; true when there is one to retry with. Never blocks the caller. */
  default Future<Boolean> refresh() {
    return Future.succeededFuture(false);
  }

  /** No Authorization header (a proxy with --auth=none). */
  static Credentials none() {
    return () -> null;
  }

  /** One token, from --token or INTERCEPT_TOKEN. */
  static Credentials of(String token) {
    String t = token == null || token.isBlank() ? null : token.strip();
    return () -> t;
  }
}

package dev.intercept.sidecar;

import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;

/**
 * Vert.x's HTTP/1 request decoder, except that a request framed by both Content-Length and
 * Transfer-Encoding fails to decode, as Envoy's HTTP/1 codec refuses it: Vert.x then answers 400
 * and closes the connection, and nothing reaches the proxy. Netty (4.2.9) instead drops the
 * Content-Length, so no handler can tell such a request from a plain chunked one; Vert.x offers no
 * option for this, hence the swap of its decoder (internal classes) on every new connection.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
  /** The name Vert.x gives its decoder, and removes it by on a WebSocket upgrade. */
  private static final String NAME = "httpDecoder";

  private StrictRequestDecoder(HttpServerOptions options) {
    super(options);
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    // Netty turns an exception here into a failed decoder result and discards the rest
    throw new IllegalArgumentException("Content-Length together with Transfer-Encoding");
  }

  /**
   * For {@code HttpServer.connectionHandler}. It must run before the connection's first request is
   * decoded, which holds only when the server does not sniff for h2c first ({@code
   * setHttp2ClearTextEnabled(false)}): with h2c, Vert.x announces the connection after decoding it.
   */
  static void install(HttpConnection connection, HttpServerOptions options) {
    if (connection instanceof Http1xServerConnection http1) {
      http1
          .channelHandlerContext()
          .pipeline()
          .replace(NAME, NAME, new StrictRequestDecoder(options));
    }
  }
}

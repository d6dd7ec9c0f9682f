package dev.intercept.sidecar;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's HTTP/1 request decoder, except that a request framed by both Content-Length and
 * Transfer-Encoding fails to decode, as Envoy's HTTP/1 codec refuses it: the data plane answers 400
 * and closes the connection, and nothing reaches an upstream. Netty (4.2) instead drops the
 * Content-Length, so no later handler could tell such a request from a plain chunked one. The
 * limits are Envoy's: 60 KiB of request line and headers.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
  static final int MAX_HEAD = 60 * 1024;

  StrictRequestDecoder() {
    super(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(MAX_HEAD)
            .setMaxHeaderSize(MAX_HEAD)
            .setMaxChunkSize(64 * 1024));
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    // Netty turns an exception here into a failed decoder result and discards the rest
    throw new IllegalArgumentException("Content-Length together with Transfer-Encoding");
  }
}

package dev.intercept.sidecar;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Netty's response encoder, told when the response answers a HEAD request: its body is then always
 * empty whatever its headers say (what HttpServerCodec tracks, which the strict decoder cannot be
 * combined with).
 */
final class Http1ResponseEncoder extends HttpResponseEncoder {
  private boolean head;

  void respondingToHead(boolean head) {
    this.head = head;
  }

  @Override
  protected boolean isContentAlwaysEmpty(HttpResponse msg) {
    return head || super.isContentAlwaysEmpty(msg);
  }
}

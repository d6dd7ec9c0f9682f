package dev.intercept.sidecar;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Netty's response encoder, told when the response answers a HEAD request: its body is then always
 * empty whatever its headers say (what HttpServerCodec tracks, which the strict decoder cannot be
 * combined with). Responses relayed as bytes ({@link RawResponseReader}) pass it by.
 */
final class Http1ResponseEncoder extends HttpResponseEncoder {
  private boolean head;

  void respondingToHead(boolean head) {
    this.head = head;
  }

  /**
   * Fits a decoded response's head to the client's HTTP version; returns whether the client's
   * connection stays open after it. {@code fullLength}: the body's length if the response is whole,
   * else -1.
   */
  boolean fitHead(
      HttpResponse r, int fullLength, boolean headRequest, boolean http10, boolean keepAlive) {
    HttpHeaders rh = r.headers();
    int code = r.status().code();
    boolean bodiless = headRequest || code == 204 || code == 304 || code < 200;
    boolean hasLength = rh.contains(HttpHeaderNames.CONTENT_LENGTH);
    if (!hasLength && fullLength >= 0 && !bodiless) {
      rh.set(HttpHeaderNames.CONTENT_LENGTH, fullLength);
      hasLength = true;
    }
    if (http10) {
      // no chunked framing in HTTP/1.0: a body of unknown length ends with the connection
      rh.remove(HttpHeaderNames.TRANSFER_ENCODING);
      keepAlive &= hasLength || bodiless;
      rh.set(
          HttpHeaderNames.CONNECTION,
          keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    } else {
      if (!hasLength && !bodiless && !HttpUtil.isTransferEncodingChunked(r)) {
        HttpUtil.setTransferEncodingChunked(r, true);
      }
      if (!keepAlive) {
        rh.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
    }
    respondingToHead(headRequest);
    return keepAlive;
  }

  @Override
  protected boolean isContentAlwaysEmpty(HttpResponse msg) {
    return head || super.isContentAlwaysEmpty(msg);
  }
}

package dev.intercept.sidecar;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.nio.charset.StandardCharsets;

/** The answers Envoy's connection manager and router give when no upstream answers. */
final class EnvoyAnswers {
  static final String UNREACHABLE = "upstream connect error or disconnect/reset before headers";
  static final String TIMEOUT = "upstream request timeout";

  private EnvoyAnswers() {}

  /** A request the codec refuses (bad framing, nominated forwarding headers): 400, closing. */
  static FullHttpResponse refused(Throwable cause) {
    HttpResponseStatus status =
        cause instanceof TooLongHttpHeaderException
            ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
            : cause instanceof TooLongHttpLineException || cause instanceof TooLongFrameException
                ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                : HttpResponseStatus.BAD_REQUEST;
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
    r.headers()
        .set(HttpHeaderNames.CONTENT_LENGTH, 0)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return r;
  }

  /** 503 when the upstream cannot be reached or resets before its response headers. */
  static FullHttpResponse unreachable() {
    return text(HttpResponseStatus.SERVICE_UNAVAILABLE, UNREACHABLE);
  }

  /** 504 after the route timeout without response headers. */
  static FullHttpResponse timeout() {
    return text(HttpResponseStatus.GATEWAY_TIMEOUT, TIMEOUT);
  }

  private static FullHttpResponse text(HttpResponseStatus status, String body) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.US_ASCII)));
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length());
    return r;
  }
}

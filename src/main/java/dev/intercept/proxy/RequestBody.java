package dev.intercept.proxy;

import dev.intercept.protocol.ApiFailure;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads every request's body (capped) before routing, whatever the method and route: a body left
 * unread would desync keep-alive. No form decoding (vertx-web's BodyHandler answers an OPTIONS form
 * with a 500).
 */
final class RequestBody {
  static final int MAX_BYTES = 64 * 1024;
  private static final String KEY = "intercept.body";

  private RequestBody() {}

  static void read(RoutingContext ctx) {
    Buffer buf = Buffer.buffer();
    boolean[] tooLarge = {false};
    ctx.request()
        .handler(
            chunk -> {
              if (!tooLarge[0] && buf.length() + chunk.length() > MAX_BYTES) {
                tooLarge[0] = true;
                ctx.fail(
                    new ApiFailure.TooLarge("request body larger than " + MAX_BYTES + " bytes"));
              } else if (!tooLarge[0]) {
                buf.appendBuffer(chunk);
              }
            });
    ctx.request()
        .endHandler(
            v -> {
              if (!tooLarge[0]) {
                ctx.put(KEY, buf);
                ctx.next();
              }
            });
  }

  /** The body {@link #read} kept, as text. */
  static String of(RoutingContext ctx) {
    Buffer b = ctx.get(KEY);
    return b == null ? "" : b.toString();
  }
}

package dev.intercept.proxy;

import dev.intercept.protocol.InvalidInputException;
import dev.intercept.protocol.Names;
import dev.intercept.proxy.RouteAnswers.Answer;
import dev.intercept.proxy.access.Bearer;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;

/**
 * The sidecars' route long-poll served below Vert.x's HTTP objects: one per API connection, right
 * after Netty's request decoder, it takes {@code GET /api/v1/apps/{app}/routes} and hands it to
 * {@link RoutePolls#take}; while the poll waits, the connection holds this gate and no Vert.x
 * request, response, header maps or routing context (about 3 KiB of heap less per waiting poll).
 * The answer is the app's table as pre-built bytes ({@link Answer#wire}), the same bytes Vert.x
 * would send. Any other request, and any poll that is not answered 200 here (no or a bad token, a
 * developer's token, a bad parameter, no room left), goes on to Vert.x unchanged, which answers it
 * as before; the gate then leaves the pipeline, so the connection is Vert.x's alone from there on
 * and pipelined requests keep their order. Event-loop confined.
 */
final class PollGate extends ChannelInboundHandlerAdapter implements RoutePolls.Reply {
  static final String ROUTE = "/api/v1/apps/:app/routes";
  private static final String PREFIX = "/api/v1/apps/";
  private static final String SUFFIX = "/routes";
  private static final byte[] INTERNAL =
      wire(500, "Internal Server Error", ApiAnswers.INTERNAL.toJson().toBuffer().getBytes());

  private final RoutePolls polls;
  private final ProxyMetrics metrics;
  private final ContextInternal context; // the API verticle's, where RoutePolls lives
  private ChannelHandlerContext ctx;
  private boolean busy; // a poll is being handled here, until it is answered or passed on
  private HttpRequest held; // that poll's request, until it is answered, passed on or parked
  private boolean lastDue; // its LastHttpContent has not arrived yet
  private long startNanos;
  private ArrayDeque<Object> later; // what arrived behind the held poll (pipelining)
  private Runnable onClose;

  private PollGate(RoutePolls polls, ProxyMetrics metrics, ContextInternal context) {
    this.polls = polls;
    this.metrics = metrics;
    this.context = context;
  }

  /**
   * Puts a gate into a new HTTP/1.x connection of the API server (Vert.x's internal {@link
   * ConnectionBase} gives the pipeline; an HTTP/2 connection has no {@code httpDecoder} and is left
   * alone).
   */
  static void install(HttpConnection conn, RoutePolls polls, ProxyMetrics metrics) {
    if (conn instanceof ConnectionBase c) {
      ChannelPipeline p = c.channelHandlerContext().pipeline();
      if (p.get("httpDecoder") != null && p.get(PollGate.class) == null) {
        p.addAfter("httpDecoder", "intercept-poll-gate", new PollGate(polls, metrics, c.context()));
      }
    }
  }

  /** A whole HTTP/1.1 answer with a JSON body, as Vert.x writes it. */
  static byte[] wire(int status, String reason, byte[] body) {
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + reason
            + "\r\ncontent-type: application/json\r\ncontent-length: "
            + body.length
            + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (busy) {
      if (lastDue && msg instanceof LastHttpContent) {
        lastDue = false; // a poll has no body: this is the empty end of its request
        start();
      } else {
        if (later == null) {
          later = new ArrayDeque<>(2);
        }
        later.add(msg);
      }
      return;
    }
    if (msg instanceof HttpRequest req && poll(req) != null) {
      busy = true;
      held = req;
      lastDue = !(req instanceof LastHttpContent);
      startNanos = System.nanoTime();
      if (!lastDue) {
        start();
      }
      return;
    }
    leave(msg);
  }

  private void start() {
    String[] p = poll(held);
    if (p == null) {
      pass();
      return;
    }
    long since = number(p[1], -1);
    int wait = (int) Math.min(Integer.MAX_VALUE, Math.max(0, number(p[2], 0)));
    // on the verticle's context (Netty calls this handler outside of any): the futures of the
    // authentication and the registry then call back on it
    context.dispatch(() -> polls.take(this, p[3], p[0], since, wait));
  }

  /**
   * {app, since, wait, token} of a plain route poll this gate may take, or null: a GET over
   * HTTP/1.1 without a body, upgrade or {@code Connection} header, on the exact path with a valid
   * app name and whole-number parameters. Whatever is not goes to Vert.x, which judges it.
   */
  private static String[] poll(HttpRequest req) {
    String uri = req.uri();
    HttpHeaders h = req.headers();
    if (!req.decoderResult().isSuccess()
        || req.method() != HttpMethod.GET
        || req.protocolVersion() != HttpVersion.HTTP_1_1
        || !uri.startsWith(PREFIX)
        || h.contains(HttpHeaderNames.CONTENT_LENGTH)
        || h.contains(HttpHeaderNames.TRANSFER_ENCODING)
        || (h.contains(HttpHeaderNames.CONNECTION)
            && !h.contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE, true))
        || h.contains(HttpHeaderNames.UPGRADE)
        || h.contains(HttpHeaderNames.EXPECT)) {
      return null;
    }
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    if (!path.endsWith(SUFFIX) || path.length() <= PREFIX.length() + SUFFIX.length()) {
      return null;
    }
    String app = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
    try {
      Names.check("app", app);
    } catch (InvalidInputException e) {
      return null;
    }
    if (!h.contains(HttpHeaderNames.HOST)) {
      return null;
    }
    Map<String, List<String>> params = new QueryStringDecoder(uri).parameters();
    List<String> since = params.get("since");
    List<String> wait = params.get("wait");
    String s = since == null ? null : since.get(0);
    String w = wait == null ? null : wait.get(0);
    if (!whole(s) || !whole(w)) {
      return null;
    }
    return new String[] {app, s, w, Bearer.token(h.get(HttpHeaderNames.AUTHORIZATION))};
  }

  private static boolean whole(String v) {
    try {
      number(v, 0);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static long number(String v, long dflt) {
    return v == null || v.isEmpty() ? dflt : Long.parseLong(v);
  }

  /** Not a poll to answer here: the held request goes on to Vert.x, with what came behind it. */
  void pass() {
    if (!busy || held == null) {
      return;
    }
    HttpRequest req = held;
    busy = false;
    held = null;
    if (lastDue) {
      leave(req);
    } else {
      leave(req, LastHttpContent.EMPTY_LAST_CONTENT);
    }
  }

  /** Hands {@code first} and whatever waits behind it to Vert.x, and leaves the pipeline. */
  private void leave(Object... first) {
    for (Object m : first) {
      ctx.fireChannelRead(m);
    }
    while (later != null && !later.isEmpty()) {
      ctx.fireChannelRead(later.poll());
    }
    // Vert.x flushes what it wrote during a read at the read's end
    ctx.fireChannelReadComplete();
    ctx.pipeline().remove(this);
  }

  @Override
  public boolean open() {
    return busy && ctx.channel().isActive();
  }

  @Override
  public void send(Answer a) {
    answer(200, a.wire());
  }

  @Override
  public void fail() {
    answer(500, INTERNAL);
  }

  private void answer(int status, byte[] wire) {
    if (!open()) {
      return;
    }
    busy = false;
    held = null;
    onClose = null;
    ctx.writeAndFlush(Unpooled.wrappedBuffer(wire), ctx.voidPromise());
    metrics.timed("GET", ROUTE, status, startNanos);
    // what was pipelined behind the poll, in order (the gate may leave the pipeline meanwhile)
    while ((!busy || lastDue) && later != null && !later.isEmpty() && !ctx.isRemoved()) {
      channelRead(ctx, later.poll());
    }
  }

  @Override
  public void onClose(Runnable r) {
    onClose = r;
    held = null; // parked: the request is not needed any more, only this gate and its channel
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Runnable r = onClose;
    onClose = null;
    busy = false;
    held = null;
    while (later != null && !later.isEmpty()) {
      ReferenceCountUtil.release(later.poll());
    }
    if (r != null) {
      r.run();
    }
    ctx.fireChannelInactive();
  }
}

package dev.intercept.sidecar;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The client's side of the data plane: one HTTP/1 connection (requests in turn, pipelined ones
 * queued) or one HTTP/2 stream. Refuses what Envoy refuses, rewrites the headers Envoy rewrites,
 * answers {@code Expect: 100-continue} itself (Envoy's default), picks the route, and hands the
 * request to an {@link Exchange}; writes the response back in the framing this client speaks.
 */
final class DownstreamHandler extends ChannelInboundHandlerAdapter {
  /** Envoy's default delayed_close_timeout. */
  private static final long DELAYED_CLOSE_MS = 1_000;

  private static final AsciiString GRPC = AsciiString.cached("application/grpc");

  private final DataPlaneServer plane;
  private final boolean http2Stream;
  private final boolean priorKnowledge;
  private final Http1ResponseEncoder encoder;
  private ChannelHandlerContext ctx;
  private ChannelHandlerContext rawCtx;
  private LoopUpstreams upstreams;
  private AsciiString peer;
  private Exchange current;
  private RequestQueue queued;
  private boolean inRead;
  private boolean closing;
  private boolean keepAlive;
  private boolean http10;
  private boolean headRequest;

  /** {@code encoder}: the HTTP/1 connection's response encoder, null on an HTTP/2 stream. */
  DownstreamHandler(DataPlaneServer plane, Http1ResponseEncoder encoder, boolean priorKnowledge) {
    this.plane = plane;
    this.encoder = encoder;
    this.http2Stream = encoder == null;
    this.priorKnowledge = priorKnowledge;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    Channel ch = ctx.channel();
    this.upstreams = plane.upstreams(ch.eventLoop());
    // writes from the decoder's place in the pipeline reach the socket past the encoder
    this.rawCtx = http2Stream ? null : ctx.pipeline().context(StrictRequestDecoder.class);
    Channel conn = http2Stream ? ch.parent() : ch;
    this.peer =
        AsciiString.cached(
            ((InetSocketAddress) conn.remoteAddress()).getAddress().getHostAddress());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    inRead = true;
    if (closing) {
      RequestQueue.release(msg);
    } else if (queued != null && !queued.isEmpty()) {
      enqueue(msg);
    } else if (current == null) {
      dispatch(msg);
    } else if (current.takesRequestBody() && !RequestQueue.isHead(msg)) {
      current.fromDownstream(msg);
    } else {
      enqueue(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    inRead = false;
    if (current != null) {
      current.downstreamReadComplete();
    }
  }

  boolean inRead() {
    return inRead;
  }

  private void enqueue(Object o) {
    if (queued == null) {
      queued = new RequestQueue(ctx.channel());
    }
    queued.add(o);
  }

  /** After an exchange: the pipelined requests, in order, until one is under way. */
  private void drainQueued() {
    if (queued == null || queued.isEmpty()) {
      return;
    }
    Object o;
    while (!closing && (o = queued.peek()) != null) {
      if (current == null) {
        dispatch(queued.poll());
      } else if (current.takesRequestBody() && !RequestQueue.isHead(o)) {
        current.fromDownstream(queued.poll());
      } else {
        break;
      }
    }
    if (current != null) {
      current.downstreamReadComplete();
    }
    queued.drained();
  }

  private void dispatch(Object o) {
    if (o instanceof RawRequest r) {
      beginRaw(r);
    } else if (o instanceof HttpRequest req) {
      begin(req);
    } else {
      RequestQueue.release(o);
    }
  }

  /** A request read as bytes, its head rewritten already: HTTP/1.1 to the upstream. */
  private void beginRaw(RawRequest r) {
    http10 = false;
    keepAlive = !r.close;
    headRequest = r.headMethod;
    current = new Exchange(this, upstreams, r, plane.plan().select(r));
    if (r.length == 0) {
      current.fromDownstream(RawRequest.END);
    }
    current.start();
  }

  private void begin(HttpRequest req) {
    if (req.decoderResult().isFailure()) {
      refuse(req.decoderResult().cause());
      ReferenceCountUtil.release(req);
      return;
    }
    HttpHeaders h = req.headers();
    http10 = req.protocolVersion().equals(HttpVersion.HTTP_1_0);
    keepAlive = http2Stream || HttpUtil.isKeepAlive(req);
    headRequest = req.method() == HttpMethod.HEAD;
    if (http2Stream) {
      ForwardedHeaders.stripHttp2Extensions(h);
    }
    if (!ForwardedHeaders.rewrite(h, peer)) {
      refuse(null);
      ReferenceCountUtil.release(req);
      return;
    }
    boolean upgrade =
        !http2Stream
            && !http10
            && h.contains(HttpHeaderNames.UPGRADE)
            && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
            && !h.containsValue(HttpHeaderNames.UPGRADE, "h2c", true);
    if (!http10 && HttpUtil.is100ContinueExpected(req)) {
      h.remove(HttpHeaderNames.EXPECT);
      ctx.writeAndFlush(
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }
    if (!h.contains(ForwardedHeaders.X_REQUEST_ID)) {
      h.set(ForwardedHeaders.X_REQUEST_ID, RequestIds.next());
    }
    h.set(ForwardedHeaders.X_ENVOY_TIMEOUT, plane.timeoutHeader());
    ForwardedHeaders.stripHopByHop(h, upgrade);
    if (http10) {
      req.setProtocolVersion(HttpVersion.HTTP_1_1);
    }
    String type = h.get(HttpHeaderNames.CONTENT_TYPE);
    boolean grpc = type != null && GRPC.regionMatches(true, 0, type, 0, GRPC.length());
    boolean viaHttp2 = plane.protocol().http2Upstream(priorKnowledge, grpc, upgrade);
    HttpRequest head =
        req instanceof FullHttpRequest
            ? new DefaultHttpRequest(req.protocolVersion(), req.method(), req.uri(), h)
            : req;
    current = new Exchange(this, upstreams, head, plane.plan().select(head), viaHttp2, upgrade);
    if (req instanceof FullHttpRequest full) {
      current.fromDownstream(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
    }
    current.start();
  }

  /**
   * Envoy's answer to a request its codec refuses: 400 (431, 414), and the connection closed. As
   * Envoy's delayed close: the output is shut after the answer and what the client still sends is
   * read and dropped until it closes (at most {@link #DELAYED_CLOSE_MS}), so bytes arriving after
   * the answer (a refused request's body) do not make the kernel reset the connection before the
   * client has read the 400.
   */
  private void refuse(Throwable cause) {
    closing = true;
    Channel ch = ctx.channel();
    ctx.writeAndFlush(EnvoyAnswers.refused(cause))
        .addListener(
            f -> {
              if (!(ch instanceof DuplexChannel d) || !f.isSuccess()) {
                ch.close();
                return;
              }
              d.shutdownOutput();
              ch.config().setAutoRead(true);
              ch.eventLoop().schedule(() -> ch.close(), DELAYED_CLOSE_MS, TimeUnit.MILLISECONDS);
            });
  }

  /** A piece of the response; its head is fitted to this client's HTTP version first. */
  void writeResponse(HttpObject msg, boolean last) {
    if (!http2Stream && msg instanceof HttpResponse r) {
      int length = msg instanceof FullHttpResponse full ? full.content().readableBytes() : -1;
      keepAlive = encoder.fitHead(r, length, headRequest, http10, keepAlive);
    }
    ctx.write(msg);
  }

  /** Whether responses may reach this client as the upstream's bytes: HTTP/1.1 clients. */
  boolean takesRawResponses() {
    return !http2Stream && !http10;
  }

  boolean keepAlive() {
    return keepAlive;
  }

  boolean headRequest() {
    return headRequest;
  }

  /** Response bytes as they go on the wire, past the response encoder. */
  void writeRaw(ByteBuf bytes) {
    rawCtx.write(bytes);
  }

  /** The sidecar's own answer in place of the upstream's. */
  void answer(FullHttpResponse answer, boolean requestUnfinished, Exchange ex) {
    writeResponse(answer, true);
    exchangeDone(ex, requestUnfinished);
  }

  /**
   * The exchange is over: flush, then close if HTTP/1 framing or the client asks for it (or the
   * request was not read to its end), else go on with the pipelined requests.
   */
  void exchangeDone(Exchange ex, boolean requestUnfinished) {
    if (current == ex) {
      current = null;
    }
    if (http2Stream) {
      ctx.flush();
      if (requestUnfinished) {
        ctx.close();
      }
      return;
    }
    if (!keepAlive || requestUnfinished) {
      closing = true;
      releaseQueued();
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.flush();
    drainQueued();
  }

  /** A WebSocket (or other) upgrade the upstream accepted: both connections become raw pipes. */
  void upgraded(HttpResponse r, Channel up) {
    current = null;
    ForwardedHeaders.stripHopByHop(r.headers(), true);
    encoder.respondingToHead(false);
    ctx.writeAndFlush(r);
    RawRelay.splice(ctx.channel(), up);
  }

  /** The upstream failed after the response began: the client sees it cut, as with Envoy. */
  void abort() {
    current = null;
    closing = true;
    releaseQueued();
    ctx.close();
  }

  void flush() {
    ctx.flush();
  }

  boolean writable() {
    return ctx.channel().isWritable();
  }

  void pauseReading(boolean pause) {
    ctx.channel().config().setAutoRead(!pause);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null) {
      current.downstreamWritable(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    Exchange e = current;
    current = null;
    if (e != null) {
      e.downstreamClosed();
    }
    releaseQueued();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void releaseQueued() {
    if (queued != null) {
      queued.releaseAll();
    }
  }
}

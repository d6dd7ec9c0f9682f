package dev.intercept.sidecar;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;

/**
 * The first handler of a pooled HTTP/1.1 upstream connection. For an exchange whose client speaks
 * HTTP/1.1 it relays the response as bytes: the head read once ({@link ResponseHead}) and sent on
 * with the hop-by-hop headers dropped, the body passed as it comes, its framing (a length, or
 * chunks and trailers) followed only to know where the response ends, so the connection goes back
 * to the pool at the right moment. Responses it does not relay (see {@link ResponseHead}), and
 * every response of other exchanges (an HTTP/2 or HTTP/1.0 client, an upgrade), go on to Netty's
 * response decoder behind it, for the rest of that exchange.
 */
final class RawResponseReader extends ChannelInboundHandlerAdapter {
  static final String NAME = "raw";

  /** Who takes a relayed response: the exchange. */
  interface Sink {
    /** The head arrived: the response has begun. */
    void rawHead(boolean upstreamCloses);

    /** Bytes to send to the client as they are; {@code last}: the response ends with them. */
    void rawBytes(ByteBuf bytes, long bodyBytes, boolean last);
  }

  private enum State {
    DECODE,
    IDLE,
    HEAD,
    BODY
  }

  private final ResponseHead head = new ResponseHead();
  private final Decoder decoder = new Decoder();
  private State state = State.DECODE;
  private Sink sink;
  private boolean headRequest;
  private boolean keepAlive;
  private final BodyFraming framing = new BodyFraming();
  private ByteBuf partial;

  /** The decoder for the responses not relayed as bytes; it goes right behind this handler. */
  HttpResponseDecoder decoder() {
    return decoder;
  }

  /**
   * The connection carries a new exchange: relayed to {@code sink} if not null, else decoded.
   * {@code headRequest}: the request is a HEAD; {@code keepAlive}: the client's connection stays
   * open after the response.
   */
  void expect(Sink sink, boolean headRequest, boolean keepAlive) {
    this.sink = sink;
    this.headRequest = headRequest;
    this.keepAlive = keepAlive;
    decoder.head = headRequest;
    state = sink == null ? State.DECODE : State.HEAD;
    dropPartial();
  }

  /** Back in the pool: whatever an idle connection says is dropped. */
  void idle() {
    sink = null;
    if (state != State.DECODE) {
      state = State.IDLE;
    }
    dropPartial();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.DECODE || !(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
    } else if (state == State.IDLE) {
      in.release();
    } else if (state == State.HEAD) {
      readHead(ctx, in);
    } else {
      body(ctx, in, null);
    }
  }

  private void readHead(ChannelHandlerContext ctx, ByteBuf in) {
    ByteBuf buf = in;
    if (partial != null) {
      buf = partial.writeBytes(in);
      in.release();
      partial = null;
    }
    int start = buf.readerIndex();
    int end = ResponseHead.end(buf, start, buf.writerIndex());
    if (end < 0) {
      if (buf.readableBytes() > StrictRequestDecoder.MAX_HEAD) {
        decode(ctx, buf); // the codec refuses it as it always did
      } else {
        partial = buf == in ? ctx.alloc().buffer(buf.readableBytes() * 2).writeBytes(buf) : buf;
        if (buf == in) {
          in.release();
        }
      }
      return;
    }
    ByteBuf out = head.parse(buf, start, end, headRequest, keepAlive, ctx.alloc());
    if (out == null) {
      decode(ctx, buf);
      return;
    }
    buf.readerIndex(end);
    sink.rawHead(head.close);
    if (head.length == 0) {
      buf.release();
      finish(out, 0);
      return;
    }
    state = State.BODY;
    framing.begin(head.length);
    body(ctx, buf, out);
  }

  /** The rest of this exchange goes to Netty's decoder, from the head on. */
  private void decode(ChannelHandlerContext ctx, ByteBuf buf) {
    state = State.DECODE;
    ctx.fireChannelRead(buf);
  }

  /** Body bytes (after {@code head}, if not null): what of them this response holds is sent. */
  private void body(ChannelHandlerContext ctx, ByteBuf buf, ByteBuf head) {
    int from = buf.readerIndex();
    int stop = framing.scan(buf, from, buf.writerIndex());
    if (stop < 0) {
      buf.release();
      if (head != null) {
        head.release();
      }
      ctx.close(); // framing the plane cannot follow: the exchange learns it from the close
      return;
    }
    boolean last = framing.done();
    int n = stop - from;
    if (head != null && (n == 0 || head.writableBytes() >= n)) {
      head.writeBytes(buf, from, n);
      buf.release();
      send(head, last);
      return;
    }
    if (head != null) {
      sink.rawBytes(head, 0, false);
    }
    if (n == 0) {
      buf.release();
      return;
    }
    ByteBuf piece =
        stop == buf.writerIndex() && from == buf.readerIndex() ? buf : slice(buf, from, n);
    send(piece, last);
  }

  private static ByteBuf slice(ByteBuf buf, int from, int n) {
    ByteBuf piece = buf.retainedSlice(from, n);
    buf.release(); // bytes past the response's end: an idle connection's, dropped
    return piece;
  }

  private void send(ByteBuf bytes, boolean last) {
    if (last) {
      finish(bytes, framing.bodyBytes);
    } else {
      sink.rawBytes(bytes, framing.bodyBytes, false);
    }
  }

  /** The response's last bytes: the sink ends the exchange, which may hand this connection on. */
  private void finish(ByteBuf bytes, long n) {
    Sink s = sink;
    state = State.IDLE;
    sink = null;
    s.rawBytes(bytes, n, true);
  }

  private void dropPartial() {
    if (partial != null) {
      partial.release();
      partial = null;
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    dropPartial();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    dropPartial();
    ctx.fireChannelInactive();
  }

  /** Netty's decoder, told when the response answers a HEAD (HttpClientCodec's pairing). */
  private static final class Decoder extends HttpResponseDecoder {
    boolean head;

    Decoder() {
      super(UpstreamPool.decoderConfig());
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
      int code = msg instanceof HttpResponse r ? r.status().code() : 0;
      return (head && code >= 200) || super.isContentAlwaysEmpty(msg);
    }
  }
}

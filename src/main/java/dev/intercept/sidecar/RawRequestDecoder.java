package dev.intercept.sidecar;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The first handler of a client's HTTP/1 connection: reads request heads from the bytes in one pass
 * ({@link RequestHead}) and hands each on as a {@link RawRequest}, its body as the bytes the client
 * sent (their framing followed, {@link BodyFraming}) and then {@link RawRequest#END}. The first
 * request it does not read that way (see {@link RequestHead}) and everything after it on the
 * connection go to the strict decoder behind it, from that request's first byte on: refusals,
 * upgrades, HTTP/1.0 and gRPC take the decoded path as they always did. A body whose framing breaks
 * midway closes the connection (its head went upstream already; the rest never does).
 */
final class RawRequestDecoder extends ChannelInboundHandlerAdapter {
  private final byte[] timeout;
  private final BodyFraming body = new BodyFraming();
  private byte[] peer;
  private boolean decoding;
  private boolean inBody;
  private ByteBuf partial;

  /** {@code decoding}: every request of the connection goes to the strict decoder. */
  RawRequestDecoder(byte[] timeout, boolean decoding) {
    this.timeout = timeout;
    this.decoding = decoding;
  }

  static byte[] ascii(CharSequence s) {
    return s.toString().getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
    peer = ascii(remote.getAddress().getHostAddress());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (decoding || !(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ByteBuf buf = in;
    if (partial != null) {
      buf = partial.writeBytes(in);
      in.release();
      partial = null;
    }
    while (buf.isReadable() && !decoding) {
      if (inBody) {
        if (!bodyBytes(ctx, buf)) {
          return;
        }
        continue;
      }
      int start = buf.readerIndex();
      int end = ResponseHead.end(buf, start, buf.writerIndex());
      if (end < 0) {
        if (buf.readableBytes() > StrictRequestDecoder.MAX_HEAD) {
          decode(ctx, buf); // the strict decoder refuses it: 431
        } else {
          keepPartial(ctx, buf);
        }
        return;
      }
      RawRequest r = RequestHead.parse(buf, start, end, peer, timeout, ctx.alloc());
      if (r == null) {
        decode(ctx, buf);
        return;
      }
      buf.readerIndex(end);
      inBody = r.length != 0;
      body.begin(r.length);
      ctx.fireChannelRead(r);
    }
    if (!decoding) {
      buf.release();
    }
  }

  /** The body's bytes in {@code buf}, sent on; false if its framing broke (the buffer released). */
  private boolean bodyBytes(ChannelHandlerContext ctx, ByteBuf buf) {
    int from = buf.readerIndex();
    int stop = body.scan(buf, from, buf.writerIndex());
    if (stop < 0) {
      buf.release();
      decoding = true; // nothing more is read as a request
      ctx.close();
      return false;
    }
    if (stop > from) {
      // wrapped: a bare buffer would go into the strict decoder behind
      ctx.fireChannelRead(new DefaultHttpContent(buf.retainedSlice(from, stop - from)));
    }
    buf.readerIndex(stop);
    if (body.done()) {
      inBody = false;
      ctx.fireChannelRead(RawRequest.END);
    }
    return true;
  }

  private void keepPartial(ChannelHandlerContext ctx, ByteBuf buf) {
    partial = ctx.alloc().buffer(Math.max(256, buf.readableBytes() * 2)).writeBytes(buf);
    buf.release();
  }

  /** From this request on, the strict decoder reads the connection. */
  private void decode(ChannelHandlerContext ctx, ByteBuf buf) {
    decoding = true;
    ctx.fireChannelRead(buf);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (partial != null) {
      partial.release();
      partial = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    handlerRemoved(ctx);
    ctx.fireChannelInactive();
  }
}

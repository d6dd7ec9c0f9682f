package dev.intercept.sidecar;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;

/**
 * Bytes from one channel to another, with backpressure: what a connection becomes once its upgrade
 * (WebSocket) is accepted. Closing either side closes the other after what it had to send.
 */
final class RawRelay extends ChannelInboundHandlerAdapter {
  private final Channel peer;

  private RawRelay(Channel peer) {
    this.peer = peer;
  }

  /**
   * Turns the downstream's HTTP/1 pipeline and the upstream's into relays to each other. The codecs
   * go last: bytes they hold past the upgrade response flow on to the relays.
   */
  static void splice(Channel down, Channel up) {
    ChannelPipeline d = down.pipeline();
    ChannelPipeline u = up.pipeline();
    d.replace(DownstreamHandler.class, "relay", new RawRelay(up));
    u.replace(UpstreamHandler.class, "relay", new RawRelay(down));
    d.remove(Http1ResponseEncoder.class);
    if (d.get(DownstreamPipelines.H2C_UPGRADE) != null) {
      d.remove(DownstreamPipelines.H2C_UPGRADE);
    }
    u.remove(RawResponseReader.NAME);
    u.remove(UpstreamPool.ENCODER);
    u.remove(UpstreamPool.DECODER);
    d.remove(RawRequestDecoder.class);
    d.remove(StrictRequestDecoder.class);
    down.config().setAutoRead(true);
    up.config().setAutoRead(true);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf b) {
      peer.write(b);
      if (!peer.isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
    } else {
      // the end of the upgrade response, decoded before the codec left
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    peer.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    peer.config().setAutoRead(ctx.channel().isWritable());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (peer.isActive()) {
      peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}

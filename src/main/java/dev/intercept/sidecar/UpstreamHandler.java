package dev.intercept.sidecar;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;

/**
 * The end of an upstream channel (a pooled HTTP/1.1 connection or one HTTP/2 stream): hands what
 * the upstream says to the exchange that holds the channel, and nothing while it sits idle.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private Exchange exchange;

  UpstreamHandler(Exchange exchange) {
    this.exchange = exchange;
  }

  void attach(Exchange e) {
    exchange = e;
  }

  void detach() {
    exchange = null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Exchange e = exchange;
    if (e != null && msg instanceof HttpObject o) {
      e.fromUpstream(o);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Exchange e = exchange;
    if (e != null) {
      e.upstreamReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Exchange e = exchange;
    if (e != null) {
      e.upstreamWritable(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Exchange e = exchange;
    exchange = null;
    if (e != null) {
      e.upstreamClosed();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // a reset, a response the codec cannot read: the exchange learns it from the close
    ctx.close();
  }
}

package dev.intercept.sidecar;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Connections to one upstream from one event loop, so an exchange never leaves its loop: idle
 * HTTP/1.1 connections kept alive for reuse (most recent first), and one multiplexed HTTP/2
 * connection whose streams carry HTTP/2 exchanges. Not thread-safe: used from its loop only.
 */
final class UpstreamPool {
  /** Idle HTTP/1.1 connections kept per loop and upstream; more are closed when released. */
  static final int MAX_IDLE = 64;

  static final int CONNECT_TIMEOUT_MS = 5_000;

  /** The HTTP/1.1 connection's codec, by name: a WebSocket upgrade removes it. */
  static final String DECODER = "decoder";

  static final String ENCODER = "encoder";

  /** Who waits for a channel: the exchange. */
  interface Waiter {
    /** {@code reused}: the connection carried an exchange before (it may have gone stale). */
    void acquired(Channel ch, boolean reused);

    void unavailable(Throwable cause);
  }

  private final InetSocketAddress address;
  private final Bootstrap http1;
  private final Bootstrap http2;
  private final ArrayDeque<Channel> idle = new ArrayDeque<>();

  /** HTTP/1.1 connections carrying an exchange: closed with the pool, like idle ones. */
  private final Set<Channel> busy = new HashSet<>();

  private Channel h2;
  private boolean h2Used;
  private List<Exchange> h2Waiting;
  private boolean closed;

  UpstreamPool(InetSocketAddress address, EventLoop loop, Class<? extends Channel> channelType) {
    this.address = address;
    Bootstrap base =
        new Bootstrap()
            .group(loop)
            .channel(channelType)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS);
    this.http1 =
        base.clone()
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    RawResponseReader raw = new RawResponseReader();
                    ch.pipeline()
                        .addLast(RawResponseReader.NAME, raw)
                        .addLast(DECODER, raw.decoder())
                        .addLast(ENCODER, new HttpRequestEncoder())
                        .addLast("upstream", new UpstreamHandler(null));
                  }
                });
    this.http2 =
        base.clone()
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            Http2FrameCodecBuilder.forClient()
                                .initialSettings(
                                    Http2Settings.defaultSettings()
                                        .pushEnabled(false)
                                        .maxHeaderListSize(StrictRequestDecoder.MAX_HEAD))
                                .build())
                        .addLast(new Http2MultiplexHandler(NoPush.INSTANCE))
                        .addLast(new GoAwayWatch());
                  }
                });
  }

  static HttpDecoderConfig decoderConfig() {
    return new HttpDecoderConfig()
        .setMaxInitialLineLength(StrictRequestDecoder.MAX_HEAD)
        .setMaxHeaderSize(StrictRequestDecoder.MAX_HEAD)
        .setMaxChunkSize(64 * 1024);
  }

  void acquire(boolean viaHttp2, Exchange exchange) {
    if (viaHttp2) {
      acquireStream(exchange);
      return;
    }
    Channel ch;
    while ((ch = idle.pollLast()) != null) {
      if (ch.isActive()) {
        busy.add(ch);
        ch.pipeline().get(UpstreamHandler.class).attach(exchange);
        exchange.acquired(ch, true);
        return;
      }
    }
    http1
        .connect(address)
        .addListener(
            (ChannelFuture f) -> {
              if (f.isSuccess()) {
                Channel c = f.channel();
                busy.add(c);
                c.closeFuture().addListener(closed -> busy.remove(c));
                c.pipeline().get(UpstreamHandler.class).attach(exchange);
                exchange.acquired(f.channel(), false);
              } else {
                exchange.unavailable(f.cause());
              }
            });
  }

  /** An HTTP/1.1 connection back from its exchange: kept if it may carry another. */
  void release(Channel ch, boolean reusable) {
    busy.remove(ch);
    ch.pipeline().get(UpstreamHandler.class).detach();
    ch.pipeline().get(RawResponseReader.class).idle();
    if (!reusable || closed || !ch.isActive() || idle.size() >= MAX_IDLE) {
      ch.close();
      return;
    }
    ch.config().setAutoRead(true);
    idle.addLast(ch);
  }

  private void acquireStream(Exchange exchange) {
    if (h2 != null && h2.isActive()) {
      openStream(exchange, h2Used);
      return;
    }
    if (h2Waiting != null) {
      h2Waiting.add(exchange);
      return;
    }
    h2Waiting = new ArrayList<>(List.of(exchange));
    http2
        .connect(address)
        .addListener(
            (ChannelFuture f) -> {
              List<Exchange> waiting = h2Waiting;
              h2Waiting = null;
              if (f.isSuccess() && !closed) {
                h2 = f.channel();
                h2Used = false;
                h2.closeFuture().addListener(c -> forget(f.channel()));
                // Netty tells connect listeners before channelActive, where the codec writes the
                // connection preface: streams open after it, on the next turn of the loop
                h2.eventLoop().execute(() -> waiting.forEach(e -> openStream(e, false)));
              } else {
                if (f.isSuccess()) {
                  f.channel().close();
                }
                waiting.forEach(e -> e.unavailable(f.cause()));
              }
            });
  }

  private void openStream(Exchange exchange, boolean reused) {
    h2Used = true;
    new Http2StreamChannelBootstrap(h2)
        .handler(
            new ChannelInitializer<Http2StreamChannel>() {
              @Override
              protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline()
                    .addLast(new Http2StreamFrameToHttpObjectCodec(false))
                    .addLast(new UpstreamHandler(exchange));
              }
            })
        .open()
        .addListener(
            f -> {
              if (f.isSuccess()) {
                exchange.acquired((Channel) f.getNow(), reused);
              } else {
                exchange.unavailable(f.cause());
              }
            });
  }

  private void forget(Channel parent) {
    if (h2 == parent) {
      h2 = null;
    }
  }

  /**
   * The route went away: every connection closes now, busy ones too. A tunnel that went away may
   * leave an accepted connection that never answers; closed, its exchange retries to the app (a
   * bodiless GET, HEAD or OPTIONS) or answers 503, rather than waiting for the route timeout.
   */
  void close() {
    closed = true;
    idle.forEach(Channel::close);
    idle.clear();
    new ArrayList<>(busy).forEach(Channel::close);
    busy.clear();
    if (h2 != null) {
      h2.close();
    }
  }

  /** Server pushes are disabled in the settings; a stream the upstream opens anyway is closed. */
  @ChannelHandler.Sharable
  private static final class NoPush extends ChannelInboundHandlerAdapter {
    static final NoPush INSTANCE = new NoPush();

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.close();
    }
  }

  /** After a GOAWAY no new stream may open on the connection: the next exchange dials anew. */
  private final class GoAwayWatch extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2GoAwayFrame) {
        forget(ctx.channel());
      }
      ReferenceCountUtil.release(msg);
    }
  }
}

package dev.intercept.sidecar;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * A new client connection's pipeline. The first bytes decide: the HTTP/2 connection preface (h2c
 * with prior knowledge) gets HTTP/2, anything else HTTP/1: plain requests read as bytes ({@link
 * RawRequestDecoder}), the rest by the strict HTTP/1 decoder behind it, whose requests may still
 * ask {@code Upgrade: h2c}. Each HTTP/2 stream is a child channel speaking HTTP/1-style messages to
 * its own {@link DownstreamHandler}, so every protocol shares one request path.
 */
final class DownstreamPipelines extends ChannelInitializer<Channel> {
  static final String H2C_UPGRADE = "h2c-upgrade";
  private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();
  private static final int MAX_UPGRADE_BODY = 64 * 1024;

  private final DataPlaneServer plane;

  DownstreamPipelines(DataPlaneServer plane) {
    this.plane = plane;
  }

  @Override
  protected void initChannel(Channel ch) {
    ch.pipeline().addLast("sniff", new PrefaceSniffer());
  }

  /** Waits for enough bytes to tell the HTTP/2 preface from an HTTP/1 request line. */
  private final class PrefaceSniffer extends ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
      if (!ByteBufUtil.equals(in, in.readerIndex(), PREFACE, PREFACE.readerIndex(), n)) {
        http1(ctx.pipeline());
      } else if (n == PREFACE.readableBytes()) {
        ctx.pipeline().addLast(frameCodec(), multiplex(true));
      } else {
        return;
      }
      // the bytes read so far go on to the handlers just added
      ctx.pipeline().remove(this);
    }
  }

  private void http1(ChannelPipeline p) {
    Http1ResponseEncoder encoder = new Http1ResponseEncoder();
    // requests go upstream as bytes unless every one goes over HTTP/2 (APPPROTOCOL h2c, grpc)
    boolean decoding = plane.protocol().http2Upstream(false, false, false);
    p.addLast(new RawRequestDecoder(RawRequestDecoder.ascii(plane.timeoutHeader()), decoding));
    p.addLast(new StrictRequestDecoder());
    p.addLast(encoder);
    p.addLast(H2C_UPGRADE, h2cUpgrade(p));
    p.addLast(new DownstreamHandler(plane, encoder, false));
  }

  /** {@code Upgrade: h2c} (RFC 7540 3.2): Netty answers 101 and the request becomes stream 1. */
  private HttpServerUpgradeHandler h2cUpgrade(ChannelPipeline p) {
    HttpServerUpgradeHandler.SourceCodec http1Gone =
        ctx -> {
          p.remove(RawRequestDecoder.class);
          p.remove(StrictRequestDecoder.class);
          p.remove(Http1ResponseEncoder.class);
          p.remove(DownstreamHandler.class);
        };
    HttpServerUpgradeHandler.UpgradeCodecFactory toH2c =
        protocol ->
            AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                ? new Http2ServerUpgradeCodec(frameCodec(), multiplex(false))
                : null;
    // clients ask on their first request (curl does): later requests skip this handler altogether
    return new HttpServerUpgradeHandler(
        http1Gone,
        toH2c,
        MAX_UPGRADE_BODY,
        DefaultHttpHeadersFactory.headersFactory(),
        DefaultHttpHeadersFactory.trailersFactory(),
        true) {
      @Override
      protected boolean shouldHandleUpgradeRequest(HttpRequest req) {
        // WebSocket and other upgrades go to the upstream untouched
        return req.headers()
            .containsValue(
                HttpHeaderNames.UPGRADE, Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, true);
      }
    };
  }

  private static Http2FrameCodec frameCodec() {
    return Http2FrameCodecBuilder.forServer()
        .initialSettings(
            Http2Settings.defaultSettings().maxHeaderListSize(StrictRequestDecoder.MAX_HEAD))
        .validateHeaders(true)
        .build();
  }

  private Http2MultiplexHandler multiplex(boolean priorKnowledge) {
    return new Http2MultiplexHandler(
        new ChannelInitializer<Http2StreamChannel>() {
          @Override
          protected void initChannel(Http2StreamChannel ch) {
            ch.pipeline()
                .addLast(new Http2StreamFrameToHttpObjectCodec(true))
                .addLast(new DownstreamHandler(plane, null, priorKnowledge));
          }
        });
  }
}

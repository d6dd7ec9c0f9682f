package dev.intercept.sidecar;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.InetSocketAddress;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The built-in data plane's listener on Netty directly: its own event loops (one per core unless
 * told, epoll where the kernel offers it), each serving its connections and holding its own
 * upstream pools, so a request never changes thread. The route plan is swapped in one write.
 */
final class DataPlaneServer {
  private final AppProtocol protocol;
  private final long timeoutMs;
  private final AsciiString timeoutHeader;
  private final EventLoopGroup group;
  private final Class<? extends ServerChannel> serverType;
  private final Map<EventLoop, LoopUpstreams> loops = new IdentityHashMap<>();
  private volatile RoutePlan plan;
  private Channel server;

  DataPlaneServer(int threads, AppProtocol protocol, int routeTimeoutSeconds, RoutePlan initial) {
    this.protocol = protocol;
    this.timeoutMs = routeTimeoutSeconds * 1000L;
    this.timeoutHeader = AsciiString.cached(Long.toString(timeoutMs));
    this.plan = initial;
    boolean epoll = Epoll.isAvailable();
    this.group =
        new MultiThreadIoEventLoopGroup(
            threads,
            new DefaultThreadFactory("intercept-dataplane", true),
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    this.serverType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    Class<? extends Channel> socketType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    for (EventExecutor e : group) {
      loops.put((EventLoop) e, new LoopUpstreams((EventLoop) e, socketType, this::plan, timeoutMs));
    }
  }

  Future<Integer> listen(String host, int port) {
    Promise<Integer> bound = Promise.promise();
    new ServerBootstrap()
        .group(group)
        .channel(serverType)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new DownstreamPipelines(this))
        .bind(host, port)
        .addListener(
            f -> {
              if (f.isSuccess()) {
                server = ((ChannelFuture) f).channel();
                bound.complete(port());
              } else {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                bound.fail(f.cause());
              }
            });
    return bound.future();
  }

  int port() {
    return server == null ? -1 : ((InetSocketAddress) server.localAddress()).getPort();
  }

  String transport() {
    return (serverType == EpollServerSocketChannel.class ? "epoll" : "nio") + " x" + loops.size();
  }

  RoutePlan plan() {
    return plan;
  }

  /** The new plan, then each loop closes the pools of routes it no longer has. */
  void swap(RoutePlan next) {
    plan = next;
    Set<String> keys = next.keys();
    loops.forEach((loop, upstreams) -> loop.execute(() -> upstreams.retain(keys)));
  }

  LoopUpstreams upstreams(EventLoop loop) {
    return loops.get(loop);
  }

  AppProtocol protocol() {
    return protocol;
  }

  AsciiString timeoutHeader() {
    return timeoutHeader;
  }

  /**
   * Stops accepting, lets the exchanges under way finish (at most {@code graceMs}), then closes
   * every connection and the loops.
   */
  Future<Void> shutdown(long graceMs) {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
    Runnable close =
        () -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).addListener(f -> done.tryComplete());
    if (server == null) {
      close.run();
      return done.future();
    }
    server.close().addListener(f -> group.next().execute(() -> awaitIdle(deadline, close)));
    return done.future();
  }

  private void awaitIdle(long deadline, Runnable close) {
    int busy = 0;
    for (LoopUpstreams u : loops.values()) {
      busy += u.inFlight();
    }
    if (busy == 0 || System.nanoTime() > deadline) {
      close.run();
      return;
    }
    group.next().schedule(() -> awaitIdle(deadline, close), 20, TimeUnit.MILLISECONDS);
  }
}

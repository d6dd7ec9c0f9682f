package dev.intercept.tunnel.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.Closeable;
import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoServiceEventListener;

/**
 * Listening sockets. A port bound from an event loop (a remote forward, asked for while its SSH
 * session's packet is handled) accepts on that loop and keeps its connections there, so a forwarded
 * connection and the SSH session that carries it share one thread; a port bound from elsewhere (the
 * SSH port) spreads its connections over the loops.
 */
final class NettyIoAcceptor extends NettyIoService implements IoAcceptor {
  private final Map<SocketAddress, ServerChannel> bound = new ConcurrentHashMap<>();

  NettyIoAcceptor(NettyIoFactory factory, IoHandler handler) {
    super(factory, handler);
  }

  @Override
  public void bind(Collection<? extends SocketAddress> addresses) throws IOException {
    for (SocketAddress a : addresses) {
      bind(a);
    }
  }

  @Override
  public void bind(SocketAddress address) throws IOException {
    if (isClosing()) {
      throw new IOException("acceptor closed");
    }
    EventLoop loop = factory.callerLoop();
    EventLoopGroup children = loop != null ? loop : factory.group();
    if (loop == null) {
      loop = factory.group().next();
    }
    ServerChannel server = factory.newServerSocket();
    server.pipeline().addLast(new Accepting(children));
    // on the caller's own loop both steps run inline, so waiting never blocks a loop
    Future<?> step = await(loop.register(server));
    if (step.isSuccess()) {
      step = await(server.bind(address));
    }
    if (!step.isSuccess()) {
      server.close();
      throw new IOException("cannot listen on " + address + ": " + step.cause(), step.cause());
    }
    bound.put(server.localAddress(), server);
  }

  private static Future<?> await(Future<?> f) {
    f.awaitUninterruptibly();
    return f;
  }

  @Override
  public void unbind(Collection<? extends SocketAddress> addresses) {
    for (SocketAddress a : addresses) {
      unbind(a);
    }
  }

  @Override
  public void unbind(SocketAddress address) {
    ServerChannel server = bound.remove(address);
    if (server != null) {
      Future<?> closing = server.close();
      if (!server.eventLoop().inEventLoop()) {
        closing.awaitUninterruptibly();
      }
    }
  }

  @Override
  public void unbind() {
    unbind(new ArrayList<>(bound.keySet()));
  }

  @Override
  public Set<SocketAddress> getBoundAddresses() {
    return new HashSet<>(bound.keySet());
  }

  @Override
  void announce(IoServiceEventListener l, NettyIoSession s) throws IOException {
    l.connectionAccepted(this, s.getLocalAddress(), s.getRemoteAddress(), s.getAcceptanceAddress());
  }

  @Override
  protected Closeable getInnerCloseable() {
    return builder().run(toString(), this::unbind).close(super.getInnerCloseable()).build();
  }

  @Override
  public String toString() {
    return "NettyIoAcceptor[" + bound.keySet() + "]";
  }

  /** Each accepted socket becomes a session on its loop; reading starts once SSHD knows it. */
  private final class Accepting extends ChannelInboundHandlerAdapter {
    private final EventLoopGroup children;

    Accepting(EventLoopGroup children) {
      this.children = children;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Channel child = (Channel) msg;
      if (isClosing()) {
        child.close();
        return;
      }
      factory.configure(child);
      EventLoop loop = children.next();
      NettyIoSession s =
          new NettyIoSession(
              NettyIoAcceptor.this, handler, child, loop, ctx.channel().localAddress());
      child.pipeline().addLast(s.new Inbound());
      loop.register(child)
          .addListener(
              r -> {
                if (!r.isSuccess()) {
                  child.close();
                }
              });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // accept failures (e.g. out of file descriptors) are the server socket's: keep listening
      log.debug("{} accept failed: {}", NettyIoAcceptor.this, cause.toString());
    }
  }
}

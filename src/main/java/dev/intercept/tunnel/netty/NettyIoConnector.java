package dev.intercept.tunnel.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.net.SocketAddress;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.io.DefaultIoConnectFuture;
import org.apache.sshd.common.io.IoConnectFuture;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoServiceEventListener;

/**
 * Outgoing connections. One asked for on an event loop (a forwarded channel's connection to the
 * local server, asked for while its SSH session's packet is handled) is made on that same loop, so
 * both ends of a forwarded connection stay on one thread.
 */
final class NettyIoConnector extends NettyIoService implements IoConnector {
  NettyIoConnector(NettyIoFactory factory, IoHandler handler) {
    super(factory, handler);
  }

  @Override
  public IoConnectFuture connect(
      SocketAddress target, AttributeRepository context, SocketAddress local) {
    DefaultIoConnectFuture future = new DefaultIoConnectFuture(target, null);
    if (isClosing()) {
      future.setException(new IOException("connector closed"));
      return future;
    }
    EventLoop loop = factory.callerLoopOrNext();
    Channel ch = factory.newSocket();
    factory.configure(ch);
    loop.register(ch)
        .addListener(
            r -> {
              if (!r.isSuccess()) {
                ch.close();
                future.setException(r.cause());
                return;
              }
              ChannelFuture c = local == null ? ch.connect(target) : ch.connect(target, local);
              c.addListener(f -> connected(ch, loop, context, f.cause(), future));
            });
    future.addListener(
        f -> {
          if (f.isCanceled()) {
            ch.close();
          }
        });
    return future;
  }

  private void connected(
      Channel ch,
      EventLoop loop,
      AttributeRepository context,
      Throwable failure,
      DefaultIoConnectFuture future) {
    if (failure != null) {
      ch.close();
      future.setException(failure);
      return;
    }
    NettyIoSession s = new NettyIoSession(this, handler, ch, loop, null);
    if (context != null) {
      s.setAttribute(AttributeRepository.class, context);
    }
    ch.pipeline().addLast(s.new Inbound());
    Throwable refused = s.start();
    if (refused != null) {
      future.setException(refused);
      return;
    }
    future.setSession(s);
    if (future.isCanceled() || !ch.isOpen()) {
      s.close(true);
    }
  }

  @Override
  void announce(IoServiceEventListener l, NettyIoSession s) throws IOException {
    Object context = s.getAttribute(AttributeRepository.class);
    l.connectionEstablished(
        this,
        s.getLocalAddress(),
        context instanceof AttributeRepository a ? a : null,
        s.getRemoteAddress());
  }

  @Override
  public String toString() {
    return "NettyIoConnector[" + handler + "]";
  }
}

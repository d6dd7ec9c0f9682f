package dev.intercept.tunnel.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
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
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.Closeable;
import org.apache.sshd.common.Factory;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoServiceEventListener;
import org.apache.sshd.common.io.IoServiceFactory;
import org.apache.sshd.common.io.IoServiceFactoryFactory;
import org.apache.sshd.common.util.closeable.AbstractInnerCloseable;
import org.apache.sshd.common.util.threads.CloseableExecutorService;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Apache SSHD's transport on Netty event loops of its own (epoll where the kernel offers it, NIO
 * elsewhere), in place of its NIO2 transport, where one JDK thread polls the sockets and hands each
 * completion to a pool thread. Here a socket's reads are delivered on its loop and writes made on
 * the loop go out inline; connections made or accepted for an SSH session on a loop stay on that
 * loop (see {@link NettyIoConnector}, {@link NettyIoAcceptor}), so a forwarded connection's events
 * are handled without changing thread. The loops end when the SSH client or server stops.
 */
public final class NettyIoFactory extends AbstractInnerCloseable implements IoServiceFactory {
  private final FactoryManager manager;
  private final EventLoopGroup group;
  private final boolean epoll;
  private final Set<NettyIoService> services = ConcurrentHashMap.newKeySet();
  private volatile IoServiceEventListener listener;

  NettyIoFactory(FactoryManager manager, int loops, boolean epoll) {
    this.manager = manager;
    this.epoll = epoll;
    this.group =
        new MultiThreadIoEventLoopGroup(
            loops,
            new DefaultThreadFactory("intercept-ssh", true),
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  /** What SSHD's client or server is given: a transport with {@code loops} event loops each. */
  public static IoServiceFactoryFactory loops(int loops) {
    return of(loops, Epoll.isAvailable());
  }

  static IoServiceFactoryFactory of(int loops, boolean epoll) {
    return new IoServiceFactoryFactory() {
      @Override
      public IoServiceFactory create(FactoryManager manager) {
        return new NettyIoFactory(manager, loops, epoll);
      }

      @Override
      public void setExecutorServiceFactory(Factory<CloseableExecutorService> ignored) {
        // the event loops are the transport's only threads
      }
    };
  }

  @Override
  public IoConnector createConnector(IoHandler handler) {
    return added(new NettyIoConnector(this, handler));
  }

  @Override
  public IoAcceptor createAcceptor(IoHandler handler) {
    return added(new NettyIoAcceptor(this, handler));
  }

  private <S extends NettyIoService> S added(S service) {
    service.setIoServiceEventListener(listener);
    services.add(service);
    service.addCloseFutureListener(f -> services.remove(service));
    return service;
  }

  @Override
  public IoServiceEventListener getIoServiceEventListener() {
    return listener;
  }

  @Override
  public void setIoServiceEventListener(IoServiceEventListener listener) {
    this.listener = listener;
  }

  /** Sockets open in all of this transport's services. */
  int sessionCount() {
    return services.stream().mapToInt(s -> s.getManagedSessions().size()).sum();
  }

  EventLoopGroup group() {
    return group;
  }

  /** The loop of this transport the calling thread runs, or null. */
  EventLoop callerLoop() {
    for (EventExecutor e : group) {
      if (e.inEventLoop()) {
        return (EventLoop) e;
      }
    }
    return null;
  }

  EventLoop callerLoopOrNext() {
    EventLoop loop = callerLoop();
    return loop != null ? loop : group.next();
  }

  Channel newSocket() {
    return epoll ? new EpollSocketChannel() : new NioSocketChannel();
  }

  ServerChannel newServerSocket() {
    ServerChannel s = epoll ? new EpollServerSocketChannel() : new NioServerSocketChannel();
    // SSHD's default backlog, 0, is "the platform's default" to NIO2 (50) but 0 to listen(2)
    int backlog = CoreModuleProperties.SOCKET_BACKLOG.getRequired(manager);
    if (backlog > 0) {
      s.config().setOption(ChannelOption.SO_BACKLOG, backlog);
    }
    s.config()
        .setOption(
            ChannelOption.SO_REUSEADDR, CoreModuleProperties.SOCKET_REUSEADDR.getRequired(manager));
    return s;
  }

  /** The socket options SSHD's settings ask for (TCP_NODELAY: the tunnel sets it on both ends). */
  void configure(Channel ch) {
    ChannelConfig c = ch.config();
    c.setOption(ChannelOption.TCP_NODELAY, CoreModuleProperties.TCP_NODELAY.getRequired(manager));
    c.setOption(
        ChannelOption.SO_KEEPALIVE, CoreModuleProperties.SOCKET_KEEPALIVE.getRequired(manager));
    c.setOption(
        ChannelOption.CONNECT_TIMEOUT_MILLIS,
        (int) CoreModuleProperties.IO_CONNECT_TIMEOUT.getRequired(manager).toMillis());
    CoreModuleProperties.SOCKET_SNDBUF
        .get(manager)
        .ifPresent(n -> c.setOption(ChannelOption.SO_SNDBUF, n));
    CoreModuleProperties.SOCKET_RCVBUF
        .get(manager)
        .ifPresent(n -> c.setOption(ChannelOption.SO_RCVBUF, n));
  }

  @Override
  protected Closeable getInnerCloseable() {
    return builder()
        .parallel(toString(), services)
        .run(toString(), () -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS))
        .build();
  }

  @Override
  public String toString() {
    return "NettyIoFactory[" + (epoll ? "epoll" : "nio") + "]";
  }
}

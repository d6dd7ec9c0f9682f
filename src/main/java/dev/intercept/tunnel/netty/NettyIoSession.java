package dev.intercept.tunnel.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.future.DefaultCloseFuture;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoService;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.Readable;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.closeable.AbstractCloseable;

/**
 * One socket as SSHD sees it, on one Netty event loop: reads are delivered on that loop, and a
 * write made on the loop goes to the socket at once (completing inline when the socket takes it).
 * Writes keep the order SSHD made them in: one made elsewhere is queued to the loop, and a write
 * made on the loop while such queued writes are pending is queued behind them.
 */
final class NettyIoSession extends AbstractCloseable implements IoSession {
  private static final AtomicLong IDS = new AtomicLong();

  private final long id = IDS.incrementAndGet();
  private final NettyIoService service;
  private final IoHandler handler;
  private final Channel channel;
  private final EventLoop loop;
  private final SocketAddress acceptance;
  private final SocketAddress local;
  private final SocketAddress remote;
  private final Map<Object, Object> attributes = new ConcurrentHashMap<>();

  /** Writes handed to the loop from another thread that it has not made yet. */
  private final AtomicInteger queued = new AtomicInteger();

  private final AtomicBoolean startedOnce = new AtomicBoolean();
  private final AtomicBoolean closedOnce = new AtomicBoolean();

  NettyIoSession(
      NettyIoService service,
      IoHandler handler,
      Channel channel,
      EventLoop loop,
      SocketAddress acc) {
    this.service = service;
    this.handler = handler;
    this.channel = channel;
    this.loop = loop;
    this.acceptance = acc;
    this.local = channel.localAddress();
    this.remote = channel.remoteAddress();
  }

  Channel channel() {
    return channel;
  }

  /**
   * The socket is connected: the handler hears of the session once, before its first read. Returns
   * why the handler refused it (the session is then closed), or null.
   */
  Throwable start() {
    return startedOnce.compareAndSet(false, true) ? service.started(this) : null;
  }

  @Override
  public long getId() {
    return id;
  }

  @Override
  public SocketAddress getAcceptanceAddress() {
    return acceptance;
  }

  @Override
  public SocketAddress getLocalAddress() {
    return local;
  }

  @Override
  public SocketAddress getRemoteAddress() {
    return remote;
  }

  @Override
  public Object getAttribute(Object key) {
    return attributes.get(key);
  }

  @Override
  public Object setAttribute(Object key, Object value) {
    return value == null ? attributes.remove(key) : attributes.put(key, value);
  }

  @Override
  public Object setAttributeIfAbsent(Object key, Object value) {
    return attributes.putIfAbsent(key, value);
  }

  @Override
  public Object removeAttribute(Object key) {
    return attributes.remove(key);
  }

  @Override
  public IoService getService() {
    return service;
  }

  @Override
  public IoWriteFuture writeBuffer(Buffer buffer) throws IOException {
    if (isClosing() || !channel.isOpen()) {
      return NettyWriteFuture.failed(this, new ClosedChannelException());
    }
    ByteBuf bytes = Unpooled.wrappedBuffer(buffer.array(), buffer.rpos(), buffer.available());
    NettyWriteFuture written = new NettyWriteFuture(this);
    inOrder(() -> channel.writeAndFlush(bytes).addListener(written));
    return written;
  }

  /** Runs {@code write} on the loop after every write SSHD asked for before it. */
  private void inOrder(Runnable write) {
    if (loop.inEventLoop() && queued.get() == 0) {
      write.run();
      return;
    }
    queued.incrementAndGet();
    loop.execute(
        () -> {
          queued.decrementAndGet();
          write.run();
        });
  }

  /** Done when everything written before it is on the socket. */
  private void afterWrites(Runnable then) {
    inOrder(() -> channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> then.run()));
  }

  @Override
  public void shutdownOutputStream() {
    afterWrites(
        () -> {
          if (channel instanceof DuplexChannel d && d.isOpen()) {
            d.shutdownOutput();
          }
        });
  }

  @Override
  public void suspendRead() {
    channel.config().setAutoRead(false);
  }

  @Override
  public void resumeRead() {
    channel.config().setAutoRead(true);
  }

  @Override
  protected CloseFuture doCloseGracefully() {
    DefaultCloseFuture flushed = new DefaultCloseFuture(toString(), futureLock);
    if (channel.isActive()) {
      afterWrites(flushed::setClosed);
    } else {
      flushed.setClosed();
    }
    return flushed;
  }

  @Override
  protected void doCloseImmediately() {
    channel.close();
    closed();
    super.doCloseImmediately();
  }

  /** The handler hears of the close once, whoever closed. */
  private void closed() {
    if (!closedOnce.compareAndSet(false, true)) {
      return;
    }
    service.forget(this);
    try {
      handler.sessionClosed(this);
    } catch (Exception e) {
      log.debug("sessionClosed({}) failed: {}", this, e.toString());
    }
  }

  @Override
  public String toString() {
    return "NettyIoSession[" + id + " " + local + " -> " + remote + "]";
  }

  /** The socket's events, on its loop. */
  final class Inbound extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      start();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      try {
        handler.messageReceived(NettyIoSession.this, readable(b));
      } catch (Throwable t) {
        failed(t);
      } finally {
        b.release();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      failed(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      close(true);
    }
  }

  void failed(Throwable cause) {
    try {
      handler.exceptionCaught(this, cause);
    } catch (Exception e) {
      log.debug("exceptionCaught({}) failed: {}", this, e.toString());
      close(true);
    }
  }

  private static Readable readable(ByteBuf b) {
    return new Readable() {
      @Override
      public int available() {
        return b.readableBytes();
      }

      @Override
      public void getRawBytes(byte[] data, int offset, int len) {
        b.readBytes(data, offset, len);
      }
    };
  }
}

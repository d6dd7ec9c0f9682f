package dev.intercept.tunnel.netty;

import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.Closeable;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoService;
import org.apache.sshd.common.io.IoServiceEventListener;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.util.closeable.AbstractInnerCloseable;

/** What a connector and an acceptor share: their sessions, handler and event listener. */
abstract class NettyIoService extends AbstractInnerCloseable implements IoService {
  final NettyIoFactory factory;
  final IoHandler handler;
  private final Map<Long, IoSession> sessions = new ConcurrentHashMap<>();
  private volatile IoServiceEventListener listener;

  NettyIoService(NettyIoFactory factory, IoHandler handler) {
    this.factory = factory;
    this.handler = handler;
  }

  @Override
  public Map<Long, IoSession> getManagedSessions() {
    return Collections.unmodifiableMap(sessions);
  }

  @Override
  public IoServiceEventListener getIoServiceEventListener() {
    return listener;
  }

  @Override
  public void setIoServiceEventListener(IoServiceEventListener listener) {
    this.listener = listener;
  }

  /** Tells the event listener of a new connection; throwing refuses it. */
  abstract void announce(IoServiceEventListener l, NettyIoSession s) throws IOException;

  /** The session's socket is connected; returns why it was refused, or null. */
  Throwable started(NettyIoSession s) {
    sessions.put(s.getId(), s);
    try {
      IoServiceEventListener l = listener;
      if (l != null) {
        announce(l, s);
      }
      handler.sessionCreated(s);
      return null;
    } catch (Throwable t) {
      log.debug("{} refused: {}", s, t.toString());
      s.close(true);
      return t;
    }
  }

  void forget(NettyIoSession s) {
    sessions.remove(s.getId());
  }

  @Override
  protected Closeable getInnerCloseable() {
    return builder().parallel(toString(), sessions.values()).build();
  }
}

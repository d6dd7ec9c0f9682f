package dev.intercept.tunnel;

import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.Readable;

/**
 * The client's factory of {@code forwarded-tcpip} channels ({@link ForwardedChannel}), and the one
 * connector all of them use to reach the local server, made on the first connection from the SSH
 * client's own I/O service (so it goes when the client stops). SSHD's own channel made a connector,
 * and at close a thread pool, per connection.
 */
final class ForwardedChannels implements ChannelFactory {
  private IoConnector connector;

  @Override
  public String getName() {
    return "forwarded-tcpip";
  }

  @Override
  public Channel createChannel(Session session) {
    return new ForwardedChannel(this);
  }

  synchronized IoConnector connector(Session session) {
    if (connector == null || connector.isClosing()) {
      connector =
          session.getFactoryManager().getIoServiceFactory().createConnector(new LocalSide());
    }
    return connector;
  }

  /** Events of the connections to the local server, each handed to its channel. */
  private static final class LocalSide implements IoHandler {
    private static ForwardedChannel channel(IoSession s) {
      Object context = s.getAttribute(AttributeRepository.class);
      return context instanceof AttributeRepository a ? a.getAttribute(ForwardedChannel.KEY) : null;
    }

    @Override
    public void sessionCreated(IoSession s) {
      // nothing may be read before the channel's open confirmation went out
      s.suspendRead();
    }

    @Override
    public void messageReceived(IoSession s, Readable message) throws Exception {
      ForwardedChannel c = channel(s);
      if (c == null) {
        s.close(true);
        return;
      }
      c.fromLocal(s, message);
    }

    @Override
    public void sessionClosed(IoSession s) {
      ForwardedChannel c = channel(s);
      if (c != null) {
        c.localClosed();
      }
    }

    @Override
    public void exceptionCaught(IoSession s, Throwable cause) {
      ForwardedChannel c = channel(s);
      if (c != null) {
        c.close(!s.isOpen());
      }
    }
  }
}

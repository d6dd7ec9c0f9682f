package dev.intercept.tunnel;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.forward.DefaultForwarder;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * The client side's forwarder, with one fix. SSHD's DefaultForwarder holds its monitor while it
 * waits for the reply to "tcpip-forward" and learns the local target only after the reply, but the
 * proxy may open a forwarded-tcpip channel as soon as it has bound the port (traffic already routed
 * there, e.g. after a replica failover). The channel's lookup then blocks on that monitor on the
 * session's I/O thread, so the reply behind it is never read: a deadlock until timeout. Here the
 * target is known before the request is sent and looked up without the monitor.
 */
final class ClientForwarder extends DefaultForwarder {
  /** Where forwarded connections go now, if not the configured local port (see TunnelClient). */
  static final AttributeRepository.AttributeKey<Supplier<SshdSocketAddress>> LOCAL_TARGET =
      new AttributeRepository.AttributeKey<>();

  private final Map<Integer, SshdSocketAddress> early = new ConcurrentHashMap<>();

  ClientForwarder(ConnectionService service) {
    super(service);
  }

  @Override
  public SshdSocketAddress startRemotePortForwarding(
      SshdSocketAddress remote, SshdSocketAddress local) throws IOException {
    if (remote.getPort() > 0) {
      early.put(remote.getPort(), local);
    }
    try {
      return super.startRemotePortForwarding(remote, local);
    } catch (IOException | RuntimeException e) {
      early.remove(remote.getPort());
      throw e;
    }
  }

  // stopRemotePortForwarding keeps the early entry: a connection the proxy accepted just before it
  // processed the cancel still reaches the local port (the entries go with the session)

  @Override
  public SshdSocketAddress getForwardedPort(int remotePort) {
    SshdSocketAddress local = early.get(remotePort);
    var redirect = getSession().getAttribute(LOCAL_TARGET);
    if (local != null && redirect != null) {
      return redirect.get();
    }
    return local != null ? local : super.getForwardedPort(remotePort);
  }
}

package dev.intercept.tunnel;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.SessionFactory;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.Readable;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.forward.ForwardingFilter;

/** The developer's side of the tunnels: the SSH client they run on, and how their failures read. */
public final class TunnelSshClient {
  /** Longer than the proxy's own wait on its (possibly re-balancing) cluster before it answers. */
  private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(15);

  /** Bound on waiting for the proxy to confirm it unbound the port before the session closes. */
  private static final Duration CANCEL_CONFIRM = Duration.ofSeconds(2);

  private TunnelSshClient() {}

  /**
   * A started SSH client set up for tunnels: TCP_NODELAY, AES-GCM first, and a forwarding filter
   * that accepts only the forwarded-tcpip channel of our own -R (keepalives are watched per
   * tunnel). Building it takes a while (class loading), so the client starts it while it registers.
   */
  public static SshClient start() {
    SshClient client = SshClient.setUpDefaultClient();
    TunnelTransport.apply(client, 1);
    CoreModuleProperties.FORWARD_REQUEST_TIMEOUT.set(client, FORWARD_TIMEOUT);
    client.setForwardingFilter(
        new ForwardingFilter() {
          @Override
          public boolean canForwardAgent(Session s, String requestType) {
            return false;
          }

          @Override
          public boolean canForwardX11(Session s, String requestType) {
            return false;
          }

          @Override
          public boolean canListen(SshdSocketAddress address, Session s) {
            return false;
          }

          @Override
          public boolean canConnect(Type type, SshdSocketAddress address, Session s) {
            return type == Type.Forwarded;
          }
        });
    client.setForwarderFactory(ClientForwarder::new);
    client.setChannelFactories(List.of(new ForwardedChannels()));
    // every read is proof the proxy lives (PeerWatch, started per tunnel)
    client.setSessionFactory(
        new SessionFactory(client) {
          @Override
          public void messageReceived(IoSession io, Readable message) throws Exception {
            PeerWatch.heard(io);
            super.messageReceived(io, message);
          }
        });
    client.start();
    return client;
  }

  /**
   * True when the SSH server could not be reached at all (as opposed to being slow or refusing).
   */
  public static boolean unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Cancels the forward first, so the proxy unbinds the port (new connections are refused and the
   * sidecar sends them to the pods) before the session goes: a connection accepted while the
   * session closes would wait for a channel that never opens. Cancel wants no reply, but replies to
   * global requests come in order, so the answer to a keepalive sent after it proves it was
   * processed.
   */
  static void drainAndClose(ClientSession s, int remotePort) {
    try {
      s.stopRemotePortForwarding(new SshdSocketAddress("localhost", remotePort));
      Buffer b = s.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST);
      b.putString("keepalive@openssh.com");
      b.putBoolean(true);
      s.request("keepalive@openssh.com", b, CANCEL_CONFIRM);
      s.close(false).await(Duration.ofSeconds(2));
    } catch (IOException | RuntimeException e) {
      s.close(true);
    }
  }

  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return msg.replace('\n', ' ');
  }
}

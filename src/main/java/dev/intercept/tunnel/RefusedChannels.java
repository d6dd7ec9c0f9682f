package dev.intercept.tunnel;

import java.util.List;
import java.util.function.Function;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channels a client may ask the proxy to open, every one refused and logged: the tunnel's only
 * channels are the forwarded-tcpip ones the proxy opens towards the client. Refusing "session"
 * refuses shell, exec, subsystems (sftp), and with them agent and X11 forwarding, which OpenSSH can
 * only ask for on a session channel.
 */
final class RefusedChannels {
  private static final Logger LOG = LoggerFactory.getLogger(RefusedChannels.class);

  private RefusedChannels() {}

  static List<ChannelFactory> all(Function<Session, String> who) {
    return List.of(
        refused(
            "session", "no shell, exec, subsystem (sftp), agent or X11 here: use ssh -N -R", who),
        refused(
            "direct-tcpip",
            "no local forwarding (ssh -L/-D/-W): the proxy is not a way into the cluster",
            who),
        refused("direct-streamlocal@openssh.com", "no Unix-socket forwarding", who));
  }

  private static ChannelFactory refused(String type, String reason, Function<Session, String> who) {
    return new ChannelFactory() {
      @Override
      public String getName() {
        return type;
      }

      @Override
      public Channel createChannel(Session session) {
        LOG.warn("refused {} channel for intercept {}: {}", type, who.apply(session), reason);
        return null;
      }
    };
  }
}

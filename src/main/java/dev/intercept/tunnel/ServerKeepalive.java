package dev.intercept.tunnel;

import dev.intercept.retry.Periodic;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.kex.KexState;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.SshServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server half of dead-peer detection (Apache SSHD has only the client half): asks every session
 * for a {@code keepalive@openssh.com} reply each interval and closes a session that left {@code
 * maxMissed} unanswered, so a laptop that vanished frees its forward port in seconds, not after
 * TCP's retransmission timeout. Any reply counts, failure included (OpenSSH answers so).
 */
final class ServerKeepalive implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerKeepalive.class);
  private static final AttributeKey<AtomicInteger> OUTSTANDING = new AttributeKey<>();

  private final SshServer sshd;
  private final Keepalive keepalive;
  private Periodic sweeper;

  ServerKeepalive(SshServer sshd, Keepalive keepalive) {
    this.sshd = sshd;
    this.keepalive = keepalive;
  }

  void start() {
    sweeper = Periodic.start("ssh-keepalive", keepalive.interval(), this::tick);
  }

  private void tick() {
    for (AbstractSession session : sshd.getActiveSessions()) {
      try {
        if (session.isAuthenticated() && session.getKexState() == KexState.DONE) {
          ping(session);
        }
      } catch (RuntimeException e) {
        // one session in a state we did not foresee must not leave the others unwatched
        LOG.warn("keepalive check of {} failed: {}", session.getUsername(), e.toString(), e);
      }
    }
  }

  private void ping(AbstractSession session) {
    AtomicInteger outstanding =
        session.computeAttributeIfAbsent(OUTSTANDING, k -> new AtomicInteger());
    if (outstanding.get() >= keepalive.maxMissed()) {
      LOG.warn(
          "closing SSH session of {}: {} keepalives unanswered in {} s, the peer is gone",
          session.getUsername(),
          outstanding.get(),
          keepalive.interval().multipliedBy(outstanding.get()).toSeconds());
      session.close(true);
      return;
    }
    outstanding.incrementAndGet();
    try {
      Buffer buf =
          session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, Keepalive.REQUEST.length() + 8);
      buf.putString(Keepalive.REQUEST);
      buf.putBoolean(true);
      session.request(buf, Keepalive.REQUEST, (cmd, reply) -> outstanding.set(0));
    } catch (IOException | RuntimeException e) {
      LOG.debug("keepalive to {} not sent: {}", session.getUsername(), e.toString());
    }
  }

  @Override
  public void close() {
    if (sweeper != null) {
      sweeper.close();
    }
  }
}

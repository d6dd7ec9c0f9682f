package dev.intercept.tunnel;

import dev.intercept.retry.Periodic;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.kex.KexState;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.common.util.Readable;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.SessionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-peer detection for either end of a tunnel that costs nothing on a busy one: bytes received
 * from the peer are proof of life (a peer that receives a bulk transfer sends window adjusts, one
 * that sends it sends data). Only a session silent for a keepalive interval gets a {@code
 * keepalive@openssh.com} request, whose reply (any, failure included: OpenSSH answers so) is bytes
 * too, and one more each interval while it stays silent; a session silent for {@link
 * Keepalive#detection()} after {@code maxMissed} such requests is dead and closed. A check that
 * comes late (our own GC pause, a starved or suspended process) closes nothing: what the peer sent
 * meanwhile may still wait unread in our socket, so the next check, on time, decides.
 */
final class PeerWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerWatch.class);

  /** When the session last read bytes from its socket: an attribute of the I/O session. */
  private static final Object HEARD = new Object();

  /** Per session: when the last read happened, the probes sent since, and when the last went. */
  private static final class Heard {
    volatile long at = System.nanoTime();
    long probes;
    long probedAt = at;
  }

  private static final long LATE_SLACK_NANOS = Duration.ofMillis(100).toNanos();

  private final String name;
  private final Keepalive keepalive;
  private final Supplier<Collection<? extends AbstractSession>> sessions;
  private final long tickNanos;
  private long lastTick;
  private Periodic sweeper;

  PeerWatch(
      String name, Keepalive keepalive, Supplier<Collection<? extends AbstractSession>> sessions) {
    this.name = name;
    this.keepalive = keepalive;
    this.sessions = sessions;
    // a quarter interval, at most 250 ms: a dead peer is noticed within that of its bound
    Duration quarter = keepalive.interval().dividedBy(4);
    this.tickNanos = Math.min(quarter.toNanos(), Duration.ofMillis(250).toNanos());
  }

  /**
   * The proxy's watch over all its authenticated sessions; installs the session factory that
   * records their reads, so it must come before the server starts.
   */
  static PeerWatch onServer(SshServer sshd, Keepalive keepalive) {
    sshd.setSessionFactory(
        new SessionFactory(sshd) {
          @Override
          public void messageReceived(IoSession io, Readable message) throws Exception {
            heard(io);
            super.messageReceived(io, message);
          }
        });
    return new PeerWatch("ssh-keepalive", keepalive, sshd::getActiveSessions);
  }

  /** Called by the session factory on every read from the socket, before the bytes are handled. */
  static void heard(IoSession io) {
    if (io.getAttribute(HEARD) instanceof Heard h) {
      h.at = System.nanoTime();
    } else {
      io.setAttribute(HEARD, new Heard());
    }
  }

  void start() {
    lastTick = System.nanoTime();
    sweeper = Periodic.start(name, Duration.ofNanos(tickNanos), this::tick);
  }

  private void tick() {
    long now = System.nanoTime();
    // twice the period and then some: we were not running, the peer's silence may be ours
    boolean late = now - lastTick > 2 * tickNanos + LATE_SLACK_NANOS;
    lastTick = now;
    for (AbstractSession s : sessions.get()) {
      try {
        if (s.isOpen() && s.isAuthenticated() && s.getKexState() == KexState.DONE) {
          check(s, now, late);
        }
      } catch (RuntimeException e) {
        // one session in a state we did not foresee must not leave the others unwatched
        LOG.warn("{}: check of {} failed: {}", name, s.getUsername(), e.toString(), e);
      }
    }
  }

  private void check(AbstractSession s, long now, boolean late) {
    if (!(s.getIoSession().getAttribute(HEARD) instanceof Heard h)) {
      return;
    }
    long heardAt = h.at;
    if (heardAt - h.probedAt > 0) {
      h.probes = 0; // bytes came after the last probe: alive
    }
    long silence = now - heardAt;
    long interval = keepalive.interval().toNanos();
    if (silence >= keepalive.detection().toNanos() && h.probes >= keepalive.maxMissed()) {
      if (late) {
        LOG.debug("{}: {} silent, but this check is late: the next decides", name, s.getUsername());
        return;
      }
      LOG.warn(
          "closing SSH session of {}: nothing received for {} ms, {} keepalives unanswered; the"
              + " peer is gone",
          s.getUsername(),
          silence / 1_000_000,
          h.probes);
      s.close(true);
    } else if (silence >= interval && (h.probes == 0 || now - h.probedAt >= interval)) {
      h.probes++;
      h.probedAt = now;
      probe(s);
    }
  }

  private static void probe(AbstractSession s) {
    try {
      Buffer buf =
          s.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, Keepalive.REQUEST.length() + 8);
      buf.putString(Keepalive.REQUEST);
      buf.putBoolean(true);
      // the reply is read like any bytes: heard() already counts it
      s.request(buf, Keepalive.REQUEST, (cmd, reply) -> {});
    } catch (IOException | RuntimeException e) {
      LOG.debug("keepalive to {} not sent: {}", s.getUsername(), e.toString());
    }
  }

  @Override
  public void close() {
    if (sweeper != null) {
      sweeper.close();
    }
  }
}

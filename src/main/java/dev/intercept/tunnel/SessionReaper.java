package dev.intercept.tunnel;

import dev.intercept.retry.Periodic;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.RuntimeSshException;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces {@link SessionLimits}: a connection beyond the cap of unauthenticated ones is closed
 * before the server sends a byte, and a sweep closes connections still unauthenticated after the
 * login grace and authenticated sessions that held no forward for the idle time. A session holding
 * a forward is the keepalives' business ({@link PeerWatch}). SSHD's own {@code AUTH_TIMEOUT} is no
 * login grace: it restarts with every {@code ssh-userauth} service request, which a client may send
 * again and again, so the grace is counted here from the accept.
 */
final class SessionReaper implements SessionListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SessionReaper.class);
  private static final AttributeKey<Long> ACCEPTED = new AttributeKey<>();
  private static final AttributeKey<AtomicLong> FORWARD_SEEN = new AttributeKey<>();

  /** One line per this long about refused connections, however many a flood brings. */
  private static final long REFUSAL_LOG_NANOS = Duration.ofSeconds(10).toNanos();

  private final SshServer sshd;
  private final SessionLimits limits;
  private final Function<Session, String> who;
  private final Predicate<Session> holdsForward;
  private final Set<Session> unauthenticated = new HashSet<>();
  private long lastRefusalLog;
  private int refusedSinceLog;
  private Periodic sweeper;

  SessionReaper(
      SshServer sshd,
      SessionLimits limits,
      Function<Session, String> who,
      Predicate<Session> holdsForward) {
    this.sshd = sshd;
    this.limits = limits;
    this.who = who;
    this.holdsForward = holdsForward;
    // the grace is ours alone: SSHD's default (2 min) would cut a longer one short
    CoreModuleProperties.AUTH_TIMEOUT.set(sshd, Duration.ZERO);
  }

  void start() {
    // a quarter of the shortest limit, at most a second: a limit is enforced within 25% of itself
    Duration shortest =
        limits.loginGrace().compareTo(limits.idle()) < 0 ? limits.loginGrace() : limits.idle();
    Duration period = shortest.dividedBy(4);
    sweeper =
        Periodic.start(
            "ssh-session-reaper",
            period.compareTo(Duration.ofSeconds(1)) < 0 ? period : Duration.ofSeconds(1),
            this::sweep);
  }

  /** Unauthenticated connections right now. */
  synchronized int unauthenticated() {
    return unauthenticated.size();
  }

  @Override
  public void sessionCreated(Session session) {
    synchronized (this) {
      if (unauthenticated.size() >= limits.maxUnauthenticated()) {
        refused(session);
        // thrown from here, SSHD closes the connection before its identification is sent
        throw new RuntimeSshException("too many unauthenticated SSH connections");
      }
      unauthenticated.add(session);
    }
    session.setAttribute(ACCEPTED, System.nanoTime());
  }

  @Override
  public void sessionEvent(Session session, Event event) {
    if (event == Event.Authenticated) {
      session.setAttribute(FORWARD_SEEN, new AtomicLong(System.nanoTime()));
      forget(session);
    }
  }

  @Override
  public void sessionException(Session session, Throwable t) {
    forget(session);
  }

  @Override
  public void sessionClosed(Session session) {
    forget(session);
  }

  private synchronized void forget(Session session) {
    unauthenticated.remove(session);
  }

  private void refused(Session session) {
    long now = System.nanoTime();
    if (lastRefusalLog != 0 && now - lastRefusalLog < REFUSAL_LOG_NANOS) {
      refusedSinceLog++;
      return;
    }
    LOG.warn(
        "SSH connection from {} closed at once: {} connections are not authenticated yet"
            + " (ssh-max-unauthenticated){}",
        session.getIoSession().getRemoteAddress(),
        unauthenticated.size(),
        refusedSinceLog == 0
            ? ""
            : "; " + refusedSinceLog + " more closed since the last such line");
    lastRefusalLog = now;
    refusedSinceLog = 0;
  }

  private void sweep() {
    long now = System.nanoTime();
    for (AbstractSession s : sshd.getActiveSessions()) {
      if (!s.isOpen() || s.isClosing()) {
        continue;
      }
      try {
        if (s.isAuthenticated()) {
          checkIdle(s, now);
        } else {
          checkGrace(s, now);
        }
      } catch (RuntimeException e) {
        // one session in a state we did not foresee must not exempt the others
        LOG.warn("limits check of {} failed: {}", who.apply(s), e.toString(), e);
      }
    }
  }

  private void checkGrace(Session s, long now) {
    Long accepted = s.getAttribute(ACCEPTED);
    if (accepted != null && now - accepted >= limits.loginGrace().toNanos()) {
      LOG.warn(
          "closing SSH connection from {} (user {}): not authenticated {} s after it was accepted"
              + " (ssh-login-grace-seconds)",
          s.getIoSession().getRemoteAddress(),
          s.getUsername() == null ? "not sent yet" : s.getUsername(),
          limits.loginGrace().toSeconds());
      s.close(true);
    }
  }

  private void checkIdle(Session s, long now) {
    AtomicLong seen = s.getAttribute(FORWARD_SEEN);
    if (seen == null) {
      return;
    }
    if (holdsForward.test(s)) {
      seen.set(now);
    } else if (now - seen.get() >= limits.idle().toNanos()) {
      LOG.info(
          "closing SSH session of intercept {}: no forward for {} s (ssh-idle-seconds)",
          who.apply(s),
          limits.idle().toSeconds());
      s.close(true);
    }
  }

  @Override
  public void close() {
    if (sweeper != null) {
      sweeper.close();
    }
  }
}

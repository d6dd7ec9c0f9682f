package dev.intercept.tunnel;

import dev.intercept.config.Config;
import dev.intercept.config.ConfigKey;
import java.time.Duration;

/**
 * How long, and how many, SSH connections may hold the proxy without carrying a tunnel: at most
 * {@code maxUnauthenticated} connections waiting to authenticate (OpenSSH's MaxStartups), each for
 * at most {@code loginGrace} after it was accepted (LoginGraceTime), and an authenticated session
 * without a forward for at most {@code idle}.
 */
public record SessionLimits(int maxUnauthenticated, Duration loginGrace, Duration idle) {
  public SessionLimits {
    if (maxUnauthenticated < 1
        || loginGrace.isNegative()
        || loginGrace.isZero()
        || idle.isNegative()
        || idle.isZero()) {
      throw new IllegalArgumentException("SSH session limits must be positive");
    }
  }

  public static SessionLimits from(Config c) {
    return new SessionLimits(
        c.get(ConfigKey.SSH_MAX_UNAUTHENTICATED),
        Duration.ofSeconds(c.get(ConfigKey.SSH_LOGIN_GRACE_SECONDS)),
        Duration.ofSeconds(c.get(ConfigKey.SSH_IDLE_SECONDS)));
  }
}

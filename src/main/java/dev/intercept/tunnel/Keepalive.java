package dev.intercept.tunnel;

import dev.intercept.config.Config;
import dev.intercept.config.ConfigKey;
import java.time.Duration;

/**
 * SSH keepalives, the same on both ends of a tunnel: a {@code keepalive@openssh.com} request every
 * {@code interval}; after {@code maxMissed} unanswered ones the peer is dead and the session is
 * closed (OpenSSH's ServerAliveInterval/ServerAliveCountMax).
 */
public record Keepalive(Duration interval, int maxMissed) {
  public static final String REQUEST = "keepalive@openssh.com";

  public Keepalive {
    if (interval.isNegative() || interval.isZero() || maxMissed < 1) {
      throw new IllegalArgumentException("keepalive interval must be > 0 and max missed >= 1");
    }
  }

  /** From the keys proxy and client share. */
  public static Keepalive from(Config c) {
    return new Keepalive(
        Duration.ofSeconds(c.get(ConfigKey.SSH_KEEPALIVE_SECONDS)),
        c.get(ConfigKey.SSH_KEEPALIVE_MAX_MISSED));
  }

  /** How long a dead peer may go unnoticed, at most. */
  public Duration detection() {
    return interval.multipliedBy(maxMissed + 1L);
  }
}

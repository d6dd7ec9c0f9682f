package dev.intercept.tunnel;

import dev.intercept.config.Config;
import dev.intercept.config.ConfigKey;
import java.time.Duration;

/**
 * SSH keepalives, the same on both ends of a tunnel (OpenSSH's ServerAliveInterval and
 * ServerAliveCountMax, but only when the peer is silent): a {@code keepalive@openssh.com} request
 * after each {@code interval} without a byte from the peer; after {@code maxMissed} unanswered ones
 * the peer is dead and the session is closed ({@link PeerWatch}).
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

  /** How long a peer may stay silent before it is taken for dead (plus a check's period). */
  public Duration detection() {
    return interval.multipliedBy(maxMissed + 1L);
  }
}

package dev.intercept.protocol;

import java.util.Set;

/**
 * Who is calling the proxy API, as authenticated: a developer or a sidecar. {@code user} owns what
 * the caller registers; {@code groups} carry the roles below.
 */
public record Identity(String user, String uid, Set<String> groups) {
  /** Sidecars: they alone poll routes, and only their polls make an app known. */
  public static final String SIDECARS = "intercept:sidecars";

  /** Admins: may revoke anyone's intercept and register catch-alls. */
  public static final String ADMINS = "intercept:admins";

  /** Every caller when the proxy runs with --auth=none (loopback only): one local identity. */
  public static final Identity LOCAL = new Identity("local", "", Set.of(SIDECARS, ADMINS));

  public Identity {
    groups = Set.copyOf(groups);
  }

  public boolean sidecar() {
    return groups.contains(SIDECARS);
  }

  public boolean admin() {
    return groups.contains(ADMINS);
  }

  /** Developers: anyone authenticated who is not only a sidecar. */
  public boolean developer() {
    return !sidecar() || admin();
  }

  @Override
  public String toString() {
    return user;
  }
}

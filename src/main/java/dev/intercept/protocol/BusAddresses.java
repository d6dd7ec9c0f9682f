package dev.intercept.protocol;

/** Every event-bus address, in one place (DESIGN.md "Events on the bus"). */
public final class BusAddresses {
  /** proxy: {"app", "version"} published by whoever changed the registry. */
  public static final String INTERCEPTS_CHANGED = "intercepts.changed";

  /** proxy: {"app", "name", "replica", "up"} from the SSH verticle. */
  public static final String TUNNELS_CHANGED = "tunnels.changed";

  /** proxy: {"app", "name"} an intercept was removed (deleted or lapsed): close its tunnel. */
  public static final String INTERCEPT_REMOVED = "intercept.removed";

  /** sidecar, local: the new route table, from the watcher to the data plane. */
  public static final String ROUTES_UPDATED = "routes.updated";

  /** client, local: {"up", "detail"} from the tunnel. */
  public static final String TUNNEL_STATE = "tunnel.state";

  /** client, local: {"state", "detail"} from the lease keeper. */
  public static final String LEASE_STATE = "lease.state";

  private BusAddresses() {}
}

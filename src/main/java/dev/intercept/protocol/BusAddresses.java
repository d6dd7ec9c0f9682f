package dev.intercept.protocol;

/**
 * Every event-bus address, in one place (DESIGN.md "Events on the bus"); the messages are the
 * records of {@link BusEvents}.
 */
public final class BusAddresses {
  /** proxy: {@link BusEvents.InterceptsChanged}, published by whoever changed the registry. */
  public static final String INTERCEPTS_CHANGED = "intercepts.changed";

  /** proxy: {@link BusEvents.InterceptRemoved}: deleted or lapsed; close its tunnel. */
  public static final String INTERCEPT_REMOVED = "intercept.removed";

  /** sidecar, local: the new {@link RouteTable}, from the watcher to the data plane. */
  public static final String ROUTES_UPDATED = "routes.updated";

  /** client, local: {@link BusEvents.TunnelState} from the tunnel keeper. */
  public static final String TUNNEL_STATE = "tunnel.state";

  /** client, local: {@link BusEvents.LeaseState} from the lease keeper. */
  public static final String LEASE_STATE = "lease.state";

  /** client, local: {@link BusEvents.LocalPortState} from the local-port guard. */
  public static final String LOCAL_PORT = "local.port";

  private BusAddresses() {}
}

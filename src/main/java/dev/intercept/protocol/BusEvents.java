package dev.intercept.protocol;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/** The messages sent on the addresses of {@link BusAddresses}, each with its JSON form. */
public final class BusEvents {
  private BusEvents() {}

  /** {@link BusAddresses#INTERCEPTS_CHANGED}: an app's route table has a new version. */
  public record InterceptsChanged(String app, long version) {
    public JsonObject toJson() {
      return new JsonObject().put("app", app).put("version", version);
    }

    public static InterceptsChanged fromJson(JsonObject j) {
      return new InterceptsChanged(j.getString("app"), j.getLong("version"));
    }
  }

  /** {@link BusAddresses#INTERCEPT_REMOVED}: deleted or lapsed; its tunnel must close. */
  public record InterceptRemoved(String app, String name, int port) {
    public JsonObject toJson() {
      return new JsonObject().put("app", app).put("name", name).put("port", port);
    }

    public static InterceptRemoved fromJson(JsonObject j) {
      return new InterceptRemoved(j.getString("app"), j.getString("name"), j.getInteger("port"));
    }
  }

  /** {@link BusAddresses#TUNNEL_STATE}: the client's tunnel went up or down, and why. */
  public record TunnelState(boolean up, String detail) {
    public JsonObject toJson() {
      return new JsonObject().put("up", up).put("detail", detail);
    }

    public static TunnelState fromJson(JsonObject j) {
      return new TunnelState(j.getBoolean("up"), j.getString("detail"));
    }
  }

  /** What happened to the client's lease. */
  public enum Lease {
    /** The process was stopped longer than the lease (laptop asleep): restoring. */
    RESUMED,
    /** A renewal failed to reach the proxy. */
    UNREACHABLE,
    /** Renewed again after a failure. */
    RENEWED,
    /** The proxy no longer knows the intercept: registering again. */
    LOST,
    /** Registering again failed; retrying. */
    RETRYING,
    /** Registered again. */
    REGISTERED
  }

  /** {@link BusAddresses#LEASE_STATE}: from the lease keeper, with a line for the user. */
  public record LeaseState(Lease state, String detail) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("state", state.name().toLowerCase(Locale.ROOT))
          .put("detail", detail);
    }

    public static LeaseState fromJson(JsonObject j) {
      return new LeaseState(
          Lease.valueOf(j.getString("state").toUpperCase(Locale.ROOT)), j.getString("detail"));
    }
  }

  /** {@link BusAddresses#LOCAL_PORT}: the developer's local port started or stopped listening. */
  public record LocalPortState(boolean listening, String detail) {
    public JsonObject toJson() {
      return new JsonObject().put("listening", listening).put("detail", detail);
    }

    public static LocalPortState fromJson(JsonObject j) {
      return new LocalPortState(j.getBoolean("listening"), j.getString("detail"));
    }
  }
}

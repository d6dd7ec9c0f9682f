package dev.intercept.proxy.access;

/** What a caller asks the proxy to do; {@code verb} is the RBAC verb on resource intercepts. */
public enum Action {
  REGISTER("create"),
  RENEW("update"),
  DELETE("delete"),
  /** Delete an intercept someone else owns. */
  REVOKE("revoke"),
  LIST("list"),
  /** A sidecar's route long-poll. */
  POLL_ROUTES("watch");

  private final String verb;

  Action(String verb) {
    this.verb = verb;
  }

  public String verb() {
    return verb;
  }
}

package dev.intercept.protocol;

import io.vertx.core.json.JsonObject;

/**
 * The answer to {@code PUT /api/v1/apps/{app}/intercepts/{name}}: the intercept, and how to open
 * its tunnel: log in as {@code sshUser} at {@code sshHost} (null: the host of the proxy URL used)
 * and {@code sshPort}, expect {@code hostKey}, renew within {@code leaseSeconds}.
 */
public record Registration(
    ListedIntercept intercept,
    String sshUser,
    String sshHost,
    int sshPort,
    String hostKey,
    double leaseSeconds) {

  public int port() {
    return intercept.port();
  }

  public JsonObject toJson() {
    return intercept
        .toJson()
        .put("sshUser", sshUser)
        .put("sshHost", sshHost)
        .put("sshPort", sshPort)
        .put("hostKey", hostKey)
        .put("leaseSeconds", leaseSeconds);
  }

  public static Registration fromJson(JsonObject j) {
    return new Registration(
        ListedIntercept.fromJson(j),
        j.getString("sshUser"),
        j.getString("sshHost"),
        j.getInteger("sshPort"),
        j.getString("hostKey"),
        j.getDouble("leaseSeconds", 10.0));
  }
}

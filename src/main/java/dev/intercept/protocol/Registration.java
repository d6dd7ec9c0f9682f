package dev.intercept.protocol;

import io.vertx.core.json.JsonObject;

/**
 * The answer to {@code PUT /api/v1/apps/{app}/intercepts/{name}}: the intercept, and how to open
 * its tunnel: log in as {@code sshUser} at {@code sshHost} (null: the host of the proxy URL used)
 * and {@code sshPort}, expect {@code hostKey}, renew within {@code leaseSeconds}. {@code
 * replicaHost}: the advertised address (pod IP in Kubernetes) of the replica that answered, where a
 * client that reaches replicas by port-forward opens its tunnel (null from older proxies).
 */
public record Registration(
    ListedIntercept intercept,
    String sshUser,
    String sshHost,
    int sshPort,
    String hostKey,
    double leaseSeconds,
    String replicaHost) {

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
        .put("leaseSeconds", leaseSeconds)
        .put("replicaHost", replicaHost);
  }

  public static Registration fromJson(JsonObject j) {
    return new Registration(
        ListedIntercept.fromJson(j),
        j.getString("sshUser"),
        j.getString("sshHost"),
        j.getInteger("sshPort"),
        j.getString("hostKey"),
        j.getDouble("leaseSeconds", 10.0),
        j.getString("replicaHost"));
  }
}

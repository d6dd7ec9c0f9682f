package dev.intercept.protocol;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One registered intercept (DESIGN.md "Intercept"). {@code tunnel} is the replica address that
 * holds its SSH tunnel, null while no tunnel is up, and {@code tunnelReplica} that replica's id;
 * {@code seq} orders intercepts by creation.
 */
public record Intercept(
    String app,
    String name,
    List<Matcher> matchers,
    int port,
    HostPort tunnel,
    String tunnelReplica,
    String owner,
    String publicKey,
    long seq,
    long createdAt,
    long expiresAt) {

  public String key() {
    return key(app, name);
  }

  public static String key(String app, String name) {
    return app + "/" + name;
  }

  /** The SSH user a client logs in as: it names the intercept. */
  public String sshUser() {
    return sshUser(app, name);
  }

  public static String sshUser(String app, String name) {
    return name + "." + app;
  }

  public Intercept withTunnel(HostPort t, String replica) {
    return new Intercept(
        app,
        name,
        matchers,
        port,
        t,
        t == null ? null : replica,
        owner,
        publicKey,
        seq,
        createdAt,
        expiresAt);
  }

  public Intercept withExpiresAt(long t) {
    return new Intercept(
        app, name, matchers, port, tunnel, tunnelReplica, owner, publicKey, seq, createdAt, t);
  }

  /** What the API shows of it: no key material. */
  public ListedIntercept listed() {
    ListedIntercept.Tunnel t =
        tunnel == null
            ? null
            : new ListedIntercept.Tunnel(tunnel.host(), tunnel.port(), tunnelReplica);
    return new ListedIntercept(app, name, matchers, port, t, owner, createdAt, expiresAt, null);
  }

  /** The stored form: what the API shows, plus the key and the creation order. */
  public JsonObject toJson() {
    return listed().toJson().put("publicKey", publicKey).put("seq", seq);
  }

  public static Intercept fromJson(JsonObject j) {
    ListedIntercept l = ListedIntercept.fromJson(j);
    ListedIntercept.Tunnel t = l.tunnel();
    return new Intercept(
        l.app(),
        l.name(),
        l.matchers(),
        l.port(),
        t == null ? null : new HostPort(t.host(), t.port()),
        t == null ? null : t.replica(),
        l.owner(),
        j.getString("publicKey"),
        j.getLong("seq", 0L),
        l.createdAt(),
        l.expiresAt());
  }
}

package dev.intercept.client;

import dev.intercept.api.Credentials;
import dev.intercept.protocol.Matcher;
import dev.intercept.tunnel.Keepalive;
import java.util.List;

/**
 * What the user asked for in one {@code intercept} run. {@code userKey}: with --ssh-key, the user's
 * own public key, registered instead of a generated one; the user then runs the tunnel with plain
 * ssh (we never read their private key). {@code connection}: how the proxy is reached (URLs, or
 * port-forward through kubeconfig). {@code quiet}: no T: line per request served.
 */
public record SessionOptions(
    String app,
    String name,
    List<Matcher> matchers,
    String localHost,
    int localPort,
    ProxyConnection connection,
    int renewSeconds,
    long requestTimeoutMs,
    Keepalive keepalive,
    UserKey userKey,
    boolean failOpenLocal,
    String personalId,
    Credentials credentials,
    KnownHosts knownHosts,
    boolean quiet) {

  /** The user's own key: its OpenSSH public-key line and the private key file ssh should use. */
  public record UserKey(String publicKey, String privateKeyFile) {}

  /** Where matched requests go on this machine, as the transcript says it. */
  String where() {
    return "localhost:" + localPort;
  }
}

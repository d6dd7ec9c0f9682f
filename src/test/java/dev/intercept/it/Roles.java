package dev.intercept.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The role processes a test started, closed together at the end (kill -9: tests leave nothing
 * behind).
 */
public final class Roles implements AutoCloseable {
  private final List<RoleProcess> started = new ArrayList<>();

  public RoleProcess start(String label, Map<String, String> env, String... args) throws Exception {
    return add(RoleProcess.start(label, env, args));
  }

  /** An echo server on an ephemeral loopback port that says it is {@code hostname}. */
  public RoleProcess echo(String label, String hostname) throws Exception {
    return start(
        label,
        Map.of(),
        "--role=echo",
        "--listen-host",
        "127.0.0.1",
        "--port",
        "0",
        "--hostname",
        hostname);
  }

  /**
   * A proxy on loopback without authentication: API and SSH on ephemeral ports, {@code
   * forwardPorts} free forward ports.
   */
  public RoleProcess openProxy(int forwardPorts) throws Exception {
    return start(
        "proxy",
        Map.of(),
        "--role=proxy",
        "--listen-host",
        "127.0.0.1",
        "--api-port",
        "0",
        "--ssh-port",
        "0",
        "--forward-ports",
        Http.freePorts(forwardPorts),
        "--forward-bind-host",
        "127.0.0.1");
  }

  public RoleProcess add(RoleProcess p) {
    started.add(p);
    return p;
  }

  public RoleProcess last() {
    return started.get(started.size() - 1);
  }

  @Override
  public void close() {
    started.forEach(RoleProcess::close);
  }
}

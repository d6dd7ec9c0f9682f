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

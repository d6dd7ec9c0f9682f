package dev.intercept.client;

import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.BusEvents.Lease;
import dev.intercept.protocol.BusEvents.LeaseState;
import dev.intercept.protocol.BusEvents.LocalPortState;
import dev.intercept.protocol.BusEvents.TunnelState;
import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.PersonalId;
import dev.intercept.protocol.Registration;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.function.BooleanSupplier;

/**
 * The {@code T:} lines the user reads: the session's own, and a line for every change the lease
 * keeper, the tunnel and the local-port guard report on the bus. After a sleep it says one line
 * when the intercept is restored instead of every step of the recovery.
 */
final class Transcript {
  private final PrintStream out;
  private volatile boolean quiet;
  private boolean restoring;
  private BooleanSupplier tunnelUp = () -> false;

  Transcript(PrintStream out) {
    this.out = out;
  }

  void line(String text) {
    out.println("T: " + text);
    out.flush();
  }

  /** One request served (from any thread): its T: line, unless the session is ending. */
  void request(String text) {
    if (!quiet) {
      line(text);
    }
  }

  void header(SessionOptions o) {
    line("Setting up intercept session " + o.name());
    line("Intercepting requests to " + o.app());
    line("and redirecting them to " + o.where());
    line("when the following headers match:");
    o.matchers().forEach(m -> line("  " + m.header() + ": " + m.regex()));
    if (o.personalId() != null) {
      String h = PersonalId.HEADER + ": " + o.personalId();
      line("Personal intercept: only requests that carry the header " + h + " come here.");
      line("  curl -H '" + h + "' http://" + o.app() + "/...");
      line(
          "  browser: a header-setting extension (e.g. ModHeader), request header "
              + PersonalId.HEADER
              + " = "
              + o.personalId());
    }
    line("Connecting to the Telepresence Proxy");
    String how = o.connection().describe();
    if (how != null) {
      line(how);
    }
  }

  /** --ssh-key: the user runs the tunnel; tell them how, and which host key to expect. */
  void plainSsh(SessionOptions o, Registration r, HostPort ssh) {
    line("Registered with your key; open the tunnel with plain OpenSSH (docs/tunnel.md):");
    line(
        "  ssh -N -R "
            + r.port()
            + ":"
            + o.localHost()
            + ":"
            + o.localPort()
            + " -p "
            + ssh.port()
            + " -i "
            + o.userKey().privateKeyFile()
            + " "
            + r.sshUser()
            + "@"
            + ssh.host());
    line(
        "  proxy host key (known_hosts line): ["
            + ssh.host()
            + "]:"
            + ssh.port()
            + " "
            + r.hostKey());
  }

  /** Prints what the session's parts report; {@code tunnelUp} tells whether a restore is done. */
  void follow(Vertx vertx, BooleanSupplier tunnelUp) {
    this.tunnelUp = tunnelUp;
    vertx
        .eventBus()
        .<JsonObject>localConsumer(
            BusAddresses.TUNNEL_STATE, m -> tunnel(TunnelState.fromJson(m.body())));
    vertx
        .eventBus()
        .<JsonObject>localConsumer(
            BusAddresses.LEASE_STATE, m -> lease(LeaseState.fromJson(m.body())));
    vertx
        .eventBus()
        .<JsonObject>localConsumer(
            BusAddresses.LOCAL_PORT, m -> unlessQuiet(LocalPortState.fromJson(m.body()).detail()));
  }

  /** From the exit cleanup on, the parts' reports are not printed. */
  void quiet() {
    quiet = true;
  }

  private void tunnel(TunnelState s) {
    if (restoring) {
      maybeRestored();
      return;
    }
    unlessQuiet(
        s.up()
            ? "Tunnel to the proxy is back: " + s.detail()
            : "Tunnel to the proxy lost (" + s.detail() + "); reconnecting");
  }

  private void lease(LeaseState s) {
    if (s.state() == Lease.RESUMED) {
      unlessQuiet(s.detail());
      restoring = true;
    } else if (restoring) {
      maybeRestored();
    } else {
      unlessQuiet(s.detail());
    }
  }

  private void maybeRestored() {
    if (restoring && tunnelUp.getAsBoolean()) {
      restoring = false;
      unlessQuiet("Intercept restored: matched requests come here again");
    }
  }

  private void unlessQuiet(String text) {
    if (!quiet) {
      line(text);
    }
  }
}

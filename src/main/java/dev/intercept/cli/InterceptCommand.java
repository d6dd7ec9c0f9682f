package dev.intercept.cli;

import dev.intercept.client.InterceptSession;
import dev.intercept.client.KnownHosts;
import dev.intercept.client.Preparation;
import dev.intercept.client.ProxyConnection;
import dev.intercept.client.SessionOptions;
import dev.intercept.client.StartupTiming;
import dev.intercept.client.UserError;
import dev.intercept.config.Config;
import dev.intercept.config.ConfigException;
import dev.intercept.config.ConfigKey;
import dev.intercept.protocol.InvalidInputException;
import dev.intercept.protocol.Matcher;
import dev.intercept.protocol.Names;
import dev.intercept.protocol.PersonalId;
import dev.intercept.tunnel.Keepalive;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code intercept APP -m HEADER REGEX ... --name N -p PORT}: runs one intercept until Ctrl-C. */
@Command(
    name = "intercept",
    description = "Send APP's requests whose headers all match to localhost:PORT until Ctrl-C.",
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  stopped with Ctrl-C, SIGTERM or 'leave' (the intercept is removed)",
      "  1  refused by the proxy (overlap, catch-all, quota, ...) or could not set up (the line"
          + " says)",
      "  2  bad arguments or settings",
      "  3  the JVM failed (out of memory): the lease lapses and requests go to the pods"
    })
final class InterceptCommand extends ClientCommand.Common implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "APP", description = "the app (the sidecar's APPNAME)")
  String app;

  @Option(
      names = {"-q", "--quiet"},
      description = "no T: line per request served (GET /ark3 → localhost:8080 200 3 ms)")
  boolean quiet;

  @Option(
      names = {"-m", "--match"},
      arity = "2",
      paramLabel = "HEADER REGEX",
      description =
          "header (or :path, :method, :authority, :scheme) and RE2 regex that must fully match;"
              + " repeat for AND")
  List<String> match;

  @Option(
      names = {"-n", "--name"},
      required = true,
      description = "name of this intercept, unique per app")
  String name;

  @Option(
      names = {"-p", "--port"},
      required = true,
      description = "local port that serves the matched requests")
  int port;

  @Option(
      names = "--ssh-key",
      paramLabel = "FILE.pub",
      description =
          "register your own OpenSSH public key instead of a generated one, and open the tunnel"
              + " yourself with plain ssh (the command is printed)")
  Path sshKey;

  @Option(
      names = "--fail-open-local",
      description =
          "while nothing listens on --port, send matched requests to the pods (default: they get a"
              + " 502 that says so)")
  boolean failOpenLocal;

  @Option(
      names = "--personal",
      description =
          "take only the requests that carry a header with a fresh secret value (printed): no one"
              + " else's traffic, and no overlap with anyone; -m then narrows it further")
  boolean personal;

  /** The arguments, checked before anything starts. */
  private record Checked(
      List<Matcher> matchers, SessionOptions.UserKey userKey, String personalId) {}

  private Checked check() {
    Names.check("app", app);
    Names.check("--name", name);
    List<Matcher> matchers = new ArrayList<>();
    List<String> pairs = match == null ? List.of() : match;
    for (int i = 0; i + 1 < pairs.size(); i += 2) {
      matchers.add(Matcher.of(pairs.get(i), pairs.get(i + 1)));
    }
    String personalId = personal ? PersonalId.fresh() : null;
    if (personalId != null) {
      matchers.add(Matcher.of(PersonalId.HEADER, personalId));
    }
    if (matchers.isEmpty()) {
      throw new InvalidInputException(
          "say which requests to take: -m HEADER REGEX (repeat for AND), or --personal");
    }
    if (port < 1 || port > 65535) {
      throw new InvalidInputException("--port must be between 1 and 65535");
    }
    return new Checked(matchers, sshKey == null ? null : UserKeyFile.read(sshKey), personalId);
  }

  @Override
  public Integer call() {
    Checked args;
    try {
      args = check();
    } catch (InvalidInputException e) {
      System.err.println("intercept: " + e.getMessage());
      return 2;
    }
    StartupTiming.mark("main: arguments parsed");
    Preparation prepared = Preparation.start(args.userKey() == null);
    Vertx vertx = newVertx(2);
    StartupTiming.mark("Vert.x up");
    InterceptSession session = null;
    ProxyConnection connection = null;
    try {
      Config c = load(vertx);
      StartupTiming.mark("config loaded");
      connection = connect(vertx, c);
      StartupTiming.mark("connection to the proxy found");
      SessionOptions o =
          new SessionOptions(
              app,
              name,
              args.matchers(),
              "127.0.0.1",
              port,
              connection,
              c.get(ConfigKey.RENEW_SECONDS),
              c.get(ConfigKey.REQUEST_TIMEOUT_SECONDS) * 1000L,
              Keepalive.from(c),
              args.userKey(),
              failOpenLocal,
              args.personalId(),
              ClientCommand.Common.credentials(vertx, c),
              KnownHosts.at(c.get(ConfigKey.KNOWN_HOSTS), c.get(ConfigKey.ACCEPT_NEW_HOST_KEY)),
              quiet);
      StopSignal stop = StopSignal.install();
      session = new InterceptSession(vertx, o, System.out, prepared);
      session.onLeft(reason -> stop.stop(reason + " (from another terminal)"));
      session.start();
      System.out.println("T: " + stop.await());
      session.cleanup();
      return 0;
    } catch (UserError | ConfigException e) {
      if (session != null) {
        session.cleanup();
      } else {
        prepared.release();
      }
      System.err.println("intercept: " + e.getMessage());
      return e instanceof UserError u ? u.exitCode() : 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      if (connection != null) {
        connection.close();
      }
      closeQuietly(vertx);
    }
  }

  /** Ctrl-C or SIGTERM, and which one it was. */
  private static final class StopSignal {
    private final CountDownLatch latch = new CountDownLatch(1);
    private volatile String why;

    static StopSignal install() {
      StopSignal s = new StopSignal();
      Signals.onInterrupt(() -> s.stop("Keyboard interrupt (Ctrl-C/Ctrl-Break) pressed"));
      Signals.onTerminate(() -> s.stop("Terminated (SIGTERM)"));
      return s;
    }

    /** The first reason wins. */
    private synchronized void stop(String reason) {
      if (why == null) {
        why = reason;
        latch.countDown();
      }
    }

    String await() throws InterruptedException {
      latch.await();
      return why;
    }
  }
}

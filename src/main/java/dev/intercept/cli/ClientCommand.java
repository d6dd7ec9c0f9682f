package dev.intercept.cli;

import dev.intercept.client.InterceptSession;
import dev.intercept.client.ProxyApiClient;
import dev.intercept.client.StartupTiming;
import dev.intercept.client.UserError;
import dev.intercept.config.Config;
import dev.intercept.config.ConfigException;
import dev.intercept.config.ConfigKey;
import dev.intercept.config.Role;
import dev.intercept.protocol.InvalidInputException;
import dev.intercept.protocol.Matcher;
import dev.intercept.protocol.Names;
import dev.intercept.tunnel.Keepalive;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "--role=client",
    mixinStandardHelpOptions = true,
    description = "Developer CLI.",
    subcommands = {ClientCommand.Intercept.class, ClientCommand.ListIntercepts.class})
final class ClientCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println(
        "intercept: say what to do: 'intercept APP -m HEADER REGEX --name NAME -p PORT' or 'list'"
            + " (see --help)");
    return 2;
  }

  /**
   * The client's settings (--proxy-url, ...) are added to every subcommand from their declarations.
   */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new ClientCommand());
    cl.getSubcommands()
        .values()
        .forEach(sub -> SettingOptions.addTo(sub.getCommandSpec(), Role.CLIENT));
    return cl;
  }

  /** What every client command shares: its settings. */
  static class Common {
    @Spec CommandSpec spec;

    Config load(Vertx vertx) {
      return RoleLauncher.loadConfig(
          vertx,
          Role.CLIENT,
          SettingOptions.configFile(spec),
          SettingOptions.flags(spec, Role.CLIENT));
    }
  }

  @Command(
      name = "intercept",
      mixinStandardHelpOptions = true,
      description = "Send APP's requests whose headers all match to localhost:PORT until Ctrl-C.")
  static final class Intercept extends Common implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "APP", description = "the app (the sidecar's APPNAME)")
    String app;

    @Option(
        names = {"-m", "--match"},
        arity = "2",
        paramLabel = "HEADER REGEX",
        required = true,
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
            "register your own OpenSSH public key"
                + " instead of a generated one, and open the tunnel yourself with plain ssh (the command is printed)")
    Path sshKey;

    @Option(
        names = "--fail-open-local",
        description =
            "while nothing listens on --port, send matched requests"
                + " to the pods (default: they get a 502 that says so)")
    boolean failOpenLocal;

    @Override
    public Integer call() {
      List<Matcher> matchers = new ArrayList<>();
      InterceptSession.UserKey userKey = null;
      try {
        Names.check("app", app);
        Names.check("--name", name);
        for (int i = 0; i + 1 < match.size(); i += 2) {
          matchers.add(Matcher.of(match.get(i), match.get(i + 1)));
        }
        if (port < 1 || port > 65535) {
          throw new InvalidInputException("--port must be between 1 and 65535");
        }
        userKey = sshKey == null ? null : UserKeyFile.read(sshKey);
      } catch (InvalidInputException e) {
        System.err.println("intercept: " + e.getMessage());
        return 2;
      }
      StartupTiming.mark("main: arguments parsed");
      InterceptSession.Prepared prepared = InterceptSession.Prepared.start(userKey == null);
      Vertx vertx =
          Vertx.vertx(
              new io.vertx.core.VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4));
      StartupTiming.mark("Vert.x up");
      InterceptSession session = null;
      try {
        Config c = load(vertx);
        StartupTiming.mark("config loaded");
        InterceptSession.Options o =
            new InterceptSession.Options(
                app,
                name,
                matchers,
                "127.0.0.1",
                port,
                c.get(ConfigKey.PROXY_URL),
                c.get(ConfigKey.RENEW_SECONDS),
                c.get(ConfigKey.REQUEST_TIMEOUT_SECONDS) * 1000L,
                Keepalive.from(c),
                userKey,
                failOpenLocal);
        CountDownLatch stop = new CountDownLatch(1);
        String[] why = new String[1];
        Signals.onInterrupt(
            () -> {
              why[0] = "Keyboard interrupt (Ctrl-C/Ctrl-Break) pressed";
              stop.countDown();
            });
        Signals.onTerminate(
            () -> {
              why[0] = "Terminated (SIGTERM)";
              stop.countDown();
            });
        session = new InterceptSession(vertx, o, System.out, prepared);
        session.start();
        stop.await();
        System.out.println("T: " + why[0]);
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
        return 1;
      } finally {
        closeQuietly(vertx);
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List intercepts (of APP, or all).")
  static final class ListIntercepts extends Common implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "APP")
    String app;

    @Override
    public Integer call() {
      Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1));
      try {
        Config c = load(vertx);
        ProxyApiClient api =
            new ProxyApiClient(
                vertx,
                c.get(ConfigKey.PROXY_URL),
                c.get(ConfigKey.REQUEST_TIMEOUT_SECONDS) * 1000L);
        JsonArray list = RoleLauncher.await(api.list(app));
        if (list.isEmpty()) {
          System.out.println("no intercepts");
        }
        for (Object o : list) {
          JsonObject i = (JsonObject) o;
          System.out.println(
              i.getString("app")
                  + "/"
                  + i.getString("name")
                  + " port "
                  + i.getInteger("port")
                  + " tunnel "
                  + (i.getJsonObject("tunnel") == null ? "down" : "up")
                  + " matchers "
                  + i.getJsonArray("matchers").encode());
        }
        return 0;
      } catch (RuntimeException e) {
        System.err.println("intercept: " + RoleLauncher.message(e));
        return e instanceof ConfigException ? 2 : 1;
      } finally {
        closeQuietly(vertx);
      }
    }
  }

  static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // exiting anyway
    }
  }
}

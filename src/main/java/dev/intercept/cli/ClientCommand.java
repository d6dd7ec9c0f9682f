package dev.intercept.cli;

import dev.intercept.api.Credentials;
import dev.intercept.client.ClientCredentials;
import dev.intercept.config.Config;
import dev.intercept.config.ConfigKey;
import dev.intercept.config.Role;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code --role=client}: the developer's commands. */
@Command(
    name = "--role=client",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    version = Cli.VERSION,
    description = "Developer CLI.",
    subcommands = {
      InterceptCommand.class,
      ListCommand.class,
      InstallCommand.class,
      InjectCommand.class,
      UninjectCommand.class
    })
final class ClientCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println(
        "intercept: say what to do: 'intercept APP -m HEADER REGEX --name NAME -p PORT', 'list',"
            + " 'install', 'inject' or 'uninject' (see --help)");
    return 2;
  }

  /**
   * The client's settings (--proxy-url, ...) are added to every command that talks to the proxy,
   * from their declarations.
   */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new ClientCommand());
    cl.getSubcommands().values().stream()
        .filter(sub -> !(sub.getCommand() instanceof Offline))
        .forEach(sub -> SettingOptions.addTo(sub.getCommandSpec(), Role.CLIENT));
    // manifests are UTF-8 whatever the platform's charset (picocli hands the parent's to all)
    cl.setOut(ManifestInput.utf8Stdout());
    return cl;
  }

  /** A command that works on files alone (install, inject, uninject): no proxy, no settings. */
  interface Offline {}

  /** What every client command shares: its settings, and a small Vert.x. */
  abstract static class Common {
    @Spec CommandSpec spec;

    Config load(Vertx vertx) {
      return RoleLauncher.loadConfig(
          vertx,
          Role.CLIENT,
          SettingOptions.configFile(spec),
          SettingOptions.flags(spec, Role.CLIENT));
    }

    /** --token or INTERCEPT_TOKEN, else the kubeconfig's credentials, else none. Blocking. */
    static Credentials credentials(Vertx vertx, Config c) {
      return ClientCredentials.resolve(vertx, c.get(ConfigKey.TOKEN));
    }

    static Vertx newVertx(int eventLoops) {
      return FatalErrors.guard(
          Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setWorkerPoolSize(4)));
    }

    static void closeQuietly(Vertx vertx) {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // exiting anyway
      }
    }
  }
}

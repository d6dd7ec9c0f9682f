package dev.intercept.cli;

import dev.intercept.api.Credentials;
import dev.intercept.api.ProxyApiClient;
import dev.intercept.client.ClientCredentials;
import dev.intercept.client.ProxyConnection;
import dev.intercept.client.UserError;
import dev.intercept.client.kube.KubeConnection;
import dev.intercept.config.Config;
import dev.intercept.config.ConfigException;
import dev.intercept.config.ConfigKey;
import dev.intercept.config.Role;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.util.List;
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
      StatusCommand.class,
      LeaveCommand.class,
      ExplainCommand.class,
      DashboardCommand.class,
      CompletionCommand.class,
      InstallCommand.class,
      InjectCommand.class,
      UninjectCommand.class
    })
final class ClientCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println(
        "intercept: say what to do: 'intercept APP -m HEADER REGEX --name NAME -p PORT', 'list',"
            + " 'status', 'leave', 'explain', 'dashboard', 'completion', 'install', 'inject' or 'uninject'"
            + " (see --help)");
    return 2;
  }

  /**
   * The client's settings (--proxy-url, ...) are added to every command that talks to the proxy,
   * from their declarations.
   */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new ClientCommand());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
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
      return ClientCredentials.resolve(vertx, c.get(ConfigKey.TOKEN), c.get(ConfigKey.CONTEXT));
    }

    /** --proxy-url's URLs, else a port-forward through kubeconfig. Blocking. */
    static ProxyConnection connect(Vertx vertx, Config c) {
      List<URI> urls = c.get(ConfigKey.CLIENT_PROXY_URL);
      return urls.isEmpty()
          ? KubeConnection.open(
              vertx,
              c.get(ConfigKey.CONTEXT),
              c.get(ConfigKey.NAMESPACE),
              c.get(ConfigKey.REQUEST_TIMEOUT_SECONDS) * 1000L)
          : ProxyConnection.direct(urls);
    }

    /** A short command's work with the proxy's API, through the connection the settings say. */
    interface ProxyCall {
      /** Returns the exit code. */
      int run(ProxyConnection connection, ProxyApiClient api);
    }

    /**
     * Connects (--proxy-url, else kubeconfig), runs {@code call}, closes everything; a failure is
     * one line on stderr and its exit code.
     */
    int callProxy(ProxyCall call) {
      Vertx vertx = newVertx(1);
      ProxyConnection connection = null;
      try {
        Config c = load(vertx);
        connection = connect(vertx, c);
        ProxyApiClient api =
            new ProxyApiClient(
                vertx,
                connection.apiUrls(),
                c.get(ConfigKey.REQUEST_TIMEOUT_SECONDS) * 1000L,
                credentials(vertx, c));
        return call.run(connection, api);
      } catch (RuntimeException e) {
        System.err.println("intercept: " + RoleLauncher.message(e));
        return exitCode(e);
      } finally {
        if (connection != null) {
          connection.close();
        }
        closeQuietly(vertx);
      }
    }

    /** A failure's exit code: 2 for settings to fix, else 1 (or what a UserError says). */
    static int exitCode(RuntimeException e) {
      if (e instanceof ConfigException) {
        return 2;
      }
      return e instanceof UserError u ? u.exitCode() : 1;
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

package dev.intercept.cli;

import dev.intercept.Version;
import dev.intercept.config.ConfigException;
import dev.intercept.config.Role;
import dev.intercept.echo.EchoRole;
import dev.intercept.proxy.ProxyRole;
import dev.intercept.sidecar.SidecarRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Picks the role from {@code --role} and hands every other argument to that role's command, so
 * {@code --role=proxy --help} shows the proxy's options. Without a role: the jar's own usage.
 */
public final class Cli {
  /** Exit code meaning "servers started: leave the JVM running". */
  public static final int KEEP_RUNNING = Integer.MIN_VALUE;

  static final String VERSION = Version.NAME;
  private static final String USAGE =
      String.join(
          "%n",
          "Usage: java -jar intercept.jar --role=ROLE [OPTIONS]",
          "Divert a deployment's HTTP requests whose headers match to your laptop.",
          "Roles: proxy (in the cluster), sidecar (next to each app pod), client (your laptop),"
              + " echo (demo server).",
          "Run --role=ROLE --help for a role's options.");

  private Cli() {}

  public static int run(String[] args) {
    List<String> rest = new ArrayList<>(List.of(args));
    String role = takeRole(rest);
    if (role == null) {
      return withoutRole(rest);
    }
    Role r;
    try {
      r = Role.valueOf(role.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      System.err.println(
          "intercept: unknown role '" + role + "' (expected proxy, sidecar, client or echo)");
      return 2;
    }
    quietLogsFor(r);
    // initialise logging once, here: threads that start logging at the same moment make SLF4J
    // print "replayed calls" warnings
    LoggerFactory.getILoggerFactory();
    return commandLine(r).execute(rest.toArray(String[]::new));
  }

  /** Removes {@code --role=X} or {@code --role X} from the arguments; returns X, or null. */
  private static String takeRole(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("--role=")) {
        args.remove(i);
        return a.substring("--role=".length());
      }
      if (a.equals("--role") && i + 1 < args.size()) {
        args.remove(i);
        return args.remove(i);
      }
    }
    return null;
  }

  private static int withoutRole(List<String> args) {
    if (args.contains("--version") || args.contains("-V")) {
      System.out.println(VERSION);
      return 0;
    }
    if (args.contains("--help") || args.contains("-h")) {
      System.out.printf(USAGE + "%n");
      return 0;
    }
    System.err.println(
        "intercept: say which role to run: --role=proxy, sidecar, client or echo (see --help)");
    return 2;
  }

  static CommandLine commandLine(Role r) {
    CommandLine cl =
        switch (r) {
          case PROXY ->
              ServeCommand.commandLine(
                  r,
                  "In-cluster proxy: intercept API, sidecar long-polls, SSH server for reverse"
                      + " tunnels.",
                  ProxyRole::start);
          case SIDECAR ->
              ServeCommand.commandLine(
                  r,
                  "Sidecar in front of an app pod: serves the app's traffic, diverting intercepted"
                      + " requests.",
                  SidecarRole::start);
          case ECHO ->
              ServeCommand.commandLine(
                  r,
                  "HTTP echo server: 'Request served by NAME', the request line, the headers.",
                  EchoRole::start);
          case CLIENT -> ClientCommand.commandLine();
        };
    return withErrorHandlers(cl);
  }

  /** Bad input: one line and exit 2; a failure while running: one line and exit 1. */
  private static CommandLine withErrorHandlers(CommandLine cl) {
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          ex.getCommandLine().getErr().println("intercept: " + ex.getMessage() + " (see --help)");
          return 2;
        });
    cl.setExecutionExceptionHandler(
        (ex, c, parsed) -> {
          c.getErr().println("intercept: " + RoleLauncher.message(ex));
          return ex instanceof ConfigException ? 2 : 1;
        });
    return cl;
  }

  /** A command spec with --help and --version, named as the user calls it. */
  static CommandSpec spec(Object command, String name, String description) {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
    spec.name(name).mixinStandardHelpOptions(true).version(VERSION);
    spec.usageMessage().description(description);
    return spec;
  }

  /** The client's terminal shows T: lines, not server logs. Must run before any logger exists. */
  private static void quietLogsFor(Role r) {
    if (r == Role.CLIENT && System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
  }
}

package dev.intercept.cli;

import dev.intercept.config.Role;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** Picks the role from --role and hands the remaining arguments to that role's command. */
@Command(
    name = "intercept.jar",
    mixinStandardHelpOptions = true,
    version = "intercept 0.1.0",
    description =
        "Divert a deployment's HTTP requests whose headers match to your laptop.%n"
            + "Roles: proxy (in the cluster), sidecar (next to each app pod), client (your laptop), echo (demo server).%n"
            + "Run --role=ROLE --help for a role's options.")
public final class Cli implements java.util.concurrent.Callable<Integer> {
  /** Exit code meaning "servers started: leave the JVM running". */
  public static final int KEEP_RUNNING = Integer.MIN_VALUE;

  @Option(
      names = "--role",
      required = true,
      paramLabel = "ROLE",
      description = "proxy, sidecar, client or echo")
  String role;

  @Unmatched List<String> rest = new ArrayList<>();

  @Override
  public Integer call() {
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
    org.slf4j.LoggerFactory.getILoggerFactory();
    Object command =
        switch (r) {
          case PROXY -> new ProxyCommand();
          case SIDECAR -> new SidecarCommand();
          case ECHO -> new EchoCommand();
          case CLIENT -> new ClientCommand();
        };
    CommandLine cl = commandLine(command);
    return cl.execute(rest.toArray(String[]::new));
  }

  static CommandLine commandLine(Object command) {
    CommandLine cl = new CommandLine(command);
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          PrintWriter err = ex.getCommandLine().getErr();
          err.println("intercept: " + ex.getMessage() + " (see --help)");
          return 2;
        });
    cl.setExecutionExceptionHandler(
        (ex, c, parsed) -> {
          c.getErr()
              .println("intercept: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
          return 1;
        });
    return cl;
  }

  /** The client's terminal shows T: lines, not server logs. Must run before any logger exists. */
  private static void quietLogsFor(Role r) {
    if (r == Role.CLIENT && System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
  }

  public static int run(String[] args) {
    CommandLine cl = commandLine(new Cli());
    cl.setUnmatchedArgumentsAllowed(true);
    cl.setUnmatchedOptionsArePositionalParams(true);
    cl.setStopAtUnmatched(true);
    return cl.execute(args);
  }
}

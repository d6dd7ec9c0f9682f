package dev.intercept.cli;

import dev.intercept.client.UserError;
import dev.intercept.protocol.ListedIntercept;
import dev.intercept.protocol.Names;
import dev.intercept.protocol.Whoami;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code leave NAME}: removes one of the caller's intercepts from another terminal. The client
 * still running it is told (410 on its next renewal or reconnect) and exits instead of registering
 * it again; matched requests go to the pods as soon as the route drops.
 */
@Command(
    name = "leave",
    description =
        "Remove your intercept NAME (from another terminal): its route drops and the client"
            + " running it exits.",
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  removed",
      "  1  no such intercept of yours, or the proxy cannot be reached or refused (the line says)",
      "  2  bad settings, or NAME is yours on several apps (say which with --app)"
    })
final class LeaveCommand extends ClientCommand.Common implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME", description = "the intercept's name (--name)")
  String name;

  @Option(
      names = "--app",
      paramLabel = "APP",
      description = "the app, when NAME is yours on more than one")
  String app;

  @Override
  public Integer call() {
    try {
      Names.check("intercept name", name);
      if (app != null) {
        Names.check("app", app);
      }
    } catch (RuntimeException e) {
      System.err.println("intercept: " + e.getMessage());
      return 2;
    }
    return callProxy(
        (connection, api) -> {
          Whoami me = RoleLauncher.await(api.whoami());
          List<ListedIntercept> named =
              RoleLauncher.await(api.list(app)).stream()
                  .filter(i -> i.name().equals(name))
                  .toList();
          List<ListedIntercept> mine =
              named.stream().filter(i -> i.owner().equals(me.user())).toList();
          if (mine.isEmpty()) {
            throw new UserError(
                named.isEmpty()
                    ? "you have no intercept named '" + name + "'" + onApp()
                    : "intercept '"
                        + name
                        + "' of app '"
                        + named.get(0).app()
                        + "' belongs to "
                        + named.get(0).owner()
                        + ", not to you ("
                        + me.user()
                        + ")");
          }
          if (mine.size() > 1) {
            throw new UserError(
                "you have intercepts named '"
                    + name
                    + "' on apps "
                    + String.join(", ", mine.stream().map(ListedIntercept::app).toList())
                    + ": say which with --app",
                2);
          }
          ListedIntercept i = mine.get(0);
          RoleLauncher.await(api.leave(i.app(), i.name()));
          System.out.println(
              "left "
                  + i.app()
                  + "/"
                  + i.name()
                  + ": its requests go to the pods; the client running it exits");
          return 0;
        });
  }

  private String onApp() {
    return app == null ? "" : " on app '" + app + "'";
  }
}

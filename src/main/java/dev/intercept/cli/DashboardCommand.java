package dev.intercept.cli;

import dev.intercept.client.DashboardServer;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dashboard}: the proxy's status page (apps, sidecars, intercepts, live) in a browser on
 * this machine, through this client's connection and token (see {@link DashboardServer}).
 */
@Command(
    name = "dashboard",
    description =
        "Serve the proxy's live status page on 127.0.0.1 through your connection and token, until"
            + " Ctrl-C.",
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  stopped with Ctrl-C or SIGTERM",
      "  1  the proxy cannot be reached or refused, or the local port is taken (the line says)",
      "  2  bad settings"
    })
final class DashboardCommand extends ClientCommand.Common implements Callable<Integer> {
  @Option(
      names = "--local-port",
      paramLabel = "PORT",
      description = "the local port for the page (default: any free one)")
  int localPort;

  @Option(names = "--open", description = "open the page in the default browser (xdg-open, open)")
  boolean open;

  @Override
  public Integer call() {
    if (localPort < 0 || localPort > 65535) {
      System.err.println("intercept: --local-port must be from 0 to 65535");
      return 2;
    }
    return callProxy(
        (connection, api) -> {
          RoleLauncher.await(api.whoami());
          DashboardServer page =
              new DashboardServer(api.vertx(), api.currentUrl(), api.credentials());
          String url = RoleLauncher.await(page.start(localPort));
          System.out.println("T: Status page: " + url);
          System.out.println("T: Press Ctrl-C to stop.");
          if (open) {
            openBrowser(url);
          }
          CountDownLatch stop = new CountDownLatch(1);
          Signals.onInterrupt(stop::countDown);
          Signals.onTerminate(stop::countDown);
          try {
            stop.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          RoleLauncher.await(page.close());
          return 0;
        });
  }

  private static void openBrowser(String url) {
    for (String opener : new String[] {"xdg-open", "open"}) {
      try {
        new ProcessBuilder(opener, url).redirectErrorStream(true).start();
        return;
      } catch (IOException e) {
        // not on this system: try the next
      }
    }
    System.out.println("T: no browser opener found (xdg-open, open): open the URL above yourself");
  }
}

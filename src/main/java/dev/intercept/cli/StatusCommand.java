package dev.intercept.cli;

import dev.intercept.protocol.ListedIntercept;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code status}: how this client reaches the proxy (URL, or kubeconfig context, namespace and
 * pod), whether the proxy answers, and the intercepts there. One line a fact, so scripts can read
 * it; one line and a non-zero exit when something fails.
 */
@Command(
    name = "status",
    description = "Say how this client reaches the proxy, whether it answers, and the intercepts.",
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  the proxy answers (its intercepts are listed)",
      "  1  the proxy cannot be reached or refused: no ready pod, RBAC, ... (the line says)",
      "  2  bad settings (a flag, the config file, the kubeconfig or its context)"
    })
final class StatusCommand extends ClientCommand.Common implements Callable<Integer> {

  @Override
  public Integer call() {
    return callProxy(
        (connection, api) -> {
          System.out.println("connection: " + connection.summary());
          String health = RoleLauncher.await(api.health());
          System.out.println(
              "proxy: answers at " + api.currentUrl() + " (healthz: " + health + ")");
          // the API does not say who the caller is: every intercept, with its owner
          List<ListedIntercept> all = RoleLauncher.await(api.list(null));
          System.out.println(
              "intercepts: " + (all.isEmpty() ? "none" : all.size() + ", all owners"));
          for (ListedIntercept i : all) {
            System.out.println(
                "  "
                    + i.app()
                    + "/"
                    + i.name()
                    + " owner "
                    + i.owner()
                    + " port "
                    + i.port()
                    + " tunnel "
                    + (i.tunnel() == null ? "down" : "up at " + i.tunnel().host()));
          }
          return 0;
        });
  }
}

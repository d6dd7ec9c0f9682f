package dev.intercept.cli;

import dev.intercept.protocol.ListedIntercept;
import dev.intercept.protocol.Matcher;
import dev.intercept.protocol.Whoami;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code status}: how this client reaches the proxy (URL, or kubeconfig context, namespace and
 * pod), whether the proxy answers and which release, who this client is to it, and the caller's own
 * intercepts with their tunnel and lease. One line a fact, so people and scripts can read it.
 */
@Command(
    name = "status",
    description =
        "Say how this client reaches the proxy, who you are to it, and your intercepts with their"
            + " tunnel and lease.",
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  the proxy answers (your intercepts are listed)",
      "  1  the proxy cannot be reached or refused: no ready pod, RBAC, ... (the line says)",
      "  2  bad settings (a flag, the config file, the kubeconfig or its context)"
    })
final class StatusCommand extends ClientCommand.Common implements Callable<Integer> {
  @Mixin Output output;

  @Override
  public Integer call() {
    return callProxy(
        (connection, api) -> {
          String health = RoleLauncher.await(api.health());
          Whoami me = RoleLauncher.await(api.whoami());
          List<ListedIntercept> all = RoleLauncher.await(api.list(null));
          List<ListedIntercept> mine =
              all.stream().filter(i -> i.owner().equals(me.user())).toList();
          long now = System.currentTimeMillis();
          JsonArray minej = new JsonArray();
          mine.forEach(i -> minej.add(i.toJson().put("leaseSecondsLeft", leaseLeft(i, now))));
          JsonObject data =
              new JsonObject()
                  .put("connection", connection.summary())
                  .put(
                      "proxy",
                      new JsonObject()
                          .put("url", api.currentUrl().toString())
                          .put("health", health)
                          .put("version", me.version())
                          .put("replica", me.replica()))
                  .put(
                      "you",
                      new JsonObject()
                          .put("user", me.user())
                          .put("admin", me.admin())
                          .put("sidecar", me.sidecar()))
                  .put("intercepts", minej)
                  .put("othersIntercepts", all.size() - mine.size());
          if (output.printData(data)) {
            return 0;
          }
          System.out.println("connection: " + connection.summary());
          System.out.println(
              "proxy: answers at "
                  + api.currentUrl()
                  + " (healthz: "
                  + health
                  + "), "
                  + me.version()
                  + ", replica "
                  + me.replica());
          System.out.println(
              "you: "
                  + me.user()
                  + (me.admin() ? " (admin)" : "")
                  + (me.sidecar() ? " (sidecar)" : ""));
          System.out.println("your intercepts: " + (mine.isEmpty() ? "none" : mine.size()));
          for (ListedIntercept i : mine) {
            System.out.println(
                "  "
                    + i.app()
                    + "/"
                    + i.name()
                    + " port "
                    + i.port()
                    + " lease "
                    + leaseLeft(i, now)
                    + " s left"
                    + HitsText.of(i.hits(), now)
                    + " matchers "
                    + Matcher.toJson(i.matchers()).encode()
                    + " tunnel "
                    + (i.tunnel() == null ? "down" : "up at " + i.tunnel().host()));
          }
          System.out.println("others' intercepts: " + (all.size() - mine.size()) + " (see list)");
          return 0;
        });
  }

  private static long leaseLeft(ListedIntercept i, long now) {
    return Math.max(0, (i.expiresAt() - now) / 1000);
  }
}

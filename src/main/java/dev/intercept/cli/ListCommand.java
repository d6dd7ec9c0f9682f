package dev.intercept.cli;

import dev.intercept.api.ProxyApiClient;
import dev.intercept.config.Config;
import dev.intercept.config.ConfigException;
import dev.intercept.config.ConfigKey;
import dev.intercept.protocol.ListedIntercept;
import dev.intercept.protocol.Matcher;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code list [APP]}: the intercepts at the proxy. */
@Command(name = "list", description = "List intercepts (of APP, or all).")
final class ListCommand extends ClientCommand.Common implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "APP")
  String app;

  @Override
  public Integer call() {
    Vertx vertx = newVertx(1);
    try {
      Config c = load(vertx);
      ProxyApiClient api =
          new ProxyApiClient(
              vertx,
              c.get(ConfigKey.PROXY_URL),
              c.get(ConfigKey.REQUEST_TIMEOUT_SECONDS) * 1000L,
              credentials(vertx, c));
      List<ListedIntercept> list = RoleLauncher.await(api.list(app));
      if (list.isEmpty()) {
        System.out.println("no intercepts");
      }
      for (ListedIntercept i : list) {
        System.out.println(
            i.app()
                + "/"
                + i.name()
                + " port "
                + i.port()
                + " owner "
                + i.owner()
                + " tunnel "
                + (i.tunnel() == null ? "down" : "up")
                + " matchers "
                + Matcher.toJson(i.matchers()).encode());
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

package dev.intercept.cli;

import dev.intercept.protocol.ListedIntercept;
import dev.intercept.protocol.Matcher;
import io.vertx.core.json.JsonArray;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code list [APP]}: the intercepts at the proxy. */
@Command(
    name = "list",
    description = "List intercepts (of APP, or all), one per line or as JSON/YAML.",
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  listed (an empty list prints 'no intercepts', or [] as JSON)",
      "  1  the proxy cannot be reached or refused (the line says why)",
      "  2  bad settings"
    })
final class ListCommand extends ClientCommand.Common implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "APP")
  String app;

  @Mixin Output output;

  @Override
  public Integer call() {
    return callProxy(
        (connection, api) -> {
          List<ListedIntercept> list = RoleLauncher.await(api.list(app));
          JsonArray data = new JsonArray();
          list.forEach(i -> data.add(i.toJson()));
          if (output.printData(data)) {
            return 0;
          }
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
                    + Matcher.toJson(i.matchers()).encode()
                    + HitsText.of(i.hits(), System.currentTimeMillis()));
          }
          return 0;
        });
  }
}

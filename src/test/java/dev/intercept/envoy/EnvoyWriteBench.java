package dev.intercept.envoy;

import dev.intercept.policy.RegexBudget;
import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.Matcher;
import dev.intercept.protocol.Route;
import dev.intercept.protocol.RouteTable;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Route-table change → Envoy files renamed into place: the time {@link EnvoyConfigWriter#apply}
 * takes from a new table to cds.yaml and lds.yaml renamed (render, write, fsync, rename, fsync of
 * the directory, three files). Run by `make bench`; prints a Markdown table row.
 */
public final class EnvoyWriteBench {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    Path dir = Files.createTempDirectory("envoy-bench");
    Vertx vertx = Vertx.vertx();
    try {
      EnvoyConfigWriter w =
          new EnvoyConfigWriter(
              dir,
              new EnvoyResources.Site("0.0.0.0", 9900, new HostPort("127.0.0.1", 8080), 15, 5),
              "myapp",
              9901,
              RegexBudget.ENVOY_MAX_PROGRAM_SIZE);
      vertx.deployVerticle(w).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      List<Long> micros = new ArrayList<>();
      for (int v = 1; v <= n + 50; v++) {
        List<Route> rs = new ArrayList<>();
        for (int i = 0; i < 1 + v % 4; i++) {
          rs.add(
              new Route(
                  "dev" + i,
                  List.of(Matcher.of(":path", ".*ark" + i + ".*"), Matcher.of("x-dev", "d" + i)),
                  new HostPort("10.0.0." + (1 + (v + i) % 3), 9000 + i)));
        }
        long t0 = System.nanoTime();
        w.apply(new RouteTable("myapp", v, rs))
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
        if (v > 50) {
          micros.add((System.nanoTime() - t0) / 1_000);
        }
      }
      micros.sort(null);
      System.out.printf(
          "| table change → lds.yaml/cds.yaml renamed (%d changes, 1–4 routes) | %.2f | %.2f | %.2f |%n",
          n,
          micros.get(n / 2) / 1000.0,
          micros.get((int) (n * 0.99)) / 1000.0,
          micros.get(n - 1) / 1000.0);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      try (var files = Files.list(dir)) {
        files.forEach(p -> p.toFile().delete());
      }
      Files.deleteIfExists(dir);
    }
  }
}

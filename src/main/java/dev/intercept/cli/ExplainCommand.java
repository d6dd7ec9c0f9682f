package dev.intercept.cli;

import dev.intercept.protocol.Explanation;
import dev.intercept.protocol.Explanation.Verdict;
import dev.intercept.protocol.InvalidInputException;
import dev.intercept.protocol.Matcher;
import dev.intercept.protocol.Names;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code explain APP}: which intercept would take a request, and why each other intercept of the
 * app would not (its first matcher that fails). The proxy decides as the data planes do.
 */
@Command(
    name = "explain",
    description =
        "Say which intercept of APP would take a request with these headers, and why each other"
            + " would not.",
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  explained (whether an intercept or the app's pods take the request)",
      "  1  the proxy cannot be reached or refused (the line says why)",
      "  2  bad arguments or settings"
    })
final class ExplainCommand extends ClientCommand.Common implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "APP")
  String app;

  @Option(
      names = {"-H", "--header"},
      paramLabel = "'NAME: VALUE'",
      description = "a request header (repeat for more; Host sets :authority)")
  List<String> headers = new ArrayList<>();

  @Option(names = "--path", paramLabel = "PATH", description = ":path (default: /)")
  String path = "/";

  @Option(names = "--method", paramLabel = "METHOD", description = ":method (default: GET)")
  String method = "GET";

  @Mixin Output output;

  @Override
  public Integer call() {
    Map<String, String> request;
    try {
      Names.check("app", app);
      request = request();
    } catch (InvalidInputException e) {
      System.err.println("intercept: " + e.getMessage());
      return 2;
    }
    return callProxy(
        (connection, api) -> {
          Explanation x = RoleLauncher.await(api.explain(app, request));
          if (!output.printData(x.toJson())) {
            print(x);
          }
          return 0;
        });
  }

  /** The request as matching sees it: pseudo-headers first, repeated headers joined with ','. */
  Map<String, String> request() {
    Map<String, String> r = new LinkedHashMap<>();
    r.put(":method", method);
    r.put(":path", path);
    r.put(":scheme", "http");
    Map<String, String> given = new LinkedHashMap<>();
    for (String h : headers) {
      int colon = h.indexOf(':', 1);
      if (colon < 0) {
        throw new InvalidInputException("-H '" + h + "': expected 'NAME: VALUE'");
      }
      String name = Matcher.headerName(h.substring(0, colon).trim());
      if (name.equals("host")) {
        name = ":authority";
      }
      String value = h.substring(colon + 1).strip();
      given.merge(name, value, (a, b) -> a + "," + b);
    }
    // in the cluster, callers reach the app by its Service's name
    r.put(":authority", app);
    r.putAll(given);
    return r;
  }

  private static void print(Explanation x) {
    Map<String, String> q = x.request();
    List<String> rest = new ArrayList<>();
    q.forEach(
        (k, v) -> {
          if (!k.equals(":method") && !k.equals(":path")) {
            rest.add(k + ": " + v);
          }
        });
    System.out.println(
        "request: "
            + q.get(":method")
            + " "
            + q.get(":path")
            + " ("
            + String.join(", ", rest)
            + ")");
    if (x.takenBy() == null) {
      System.out.println("goes to: the app's pods (no intercept takes it)");
    } else {
      Verdict v =
          x.verdicts().stream().filter(y -> y.name().equals(x.takenBy())).findFirst().orElseThrow();
      System.out.println(
          "goes to: intercept '" + v.name() + "' of " + v.owner() + " (through its tunnel)");
    }
    if (x.verdicts().isEmpty()) {
      System.out.println("  (app '" + x.app() + "' has no intercepts)");
    }
    for (Verdict v : x.verdicts()) {
      System.out.println(
          "  " + v.order() + ". " + v.name() + " (" + v.owner() + "): " + v.reason());
    }
  }
}

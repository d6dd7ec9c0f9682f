package dev.intercept.it;

import dev.intercept.TestTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The seed's cast as processes of the built jar on loopback: a proxy (--auth=token-file), an echo
 * "pod" behind a sidecar for myapp (with the sidecar's token), and an echo "laptop", started in
 * {@code into}, which closes them.
 */
public record SeedSetup(int api, int pod, int laptop, int sidecar, TestTokens tokens, int ssh) {

  public static SeedSetup start(Roles into, int forwardPorts) throws Exception {
    return start(into, forwardPorts, new String[0]);
  }

  /** The seed's cast, the sidecar with {@code sidecarArgs} added. */
  public static SeedSetup start(Roles into, int forwardPorts, String... sidecarArgs)
      throws Exception {
    TestTokens tokens = TestTokens.create();
    List<String> proxyArgs =
        new ArrayList<>(
            List.of(
                "--role=proxy",
                "--listen-host",
                "127.0.0.1",
                "--api-port",
                "0",
                "--ssh-port",
                "0",
                "--forward-ports",
                Http.freePorts(forwardPorts),
                "--forward-bind-host",
                "127.0.0.1"));
    proxyArgs.addAll(tokens.proxyArgs());
    RoleProcess proxy = into.start("proxy", Map.of(), proxyArgs.toArray(String[]::new));
    RoleProcess pod = into.echo("pod", "the-app-pod");
    RoleProcess lap = into.echo("laptop", "container_on_laptop");
    int api = proxy.port("api");
    int podPort = pod.port("http");
    List<String> sidecarArgv =
        new ArrayList<>(
            List.of(
                "--role=sidecar",
                "--listen-host",
                "127.0.0.1",
                "--proxy-url",
                "http://127.0.0.1:" + api));
    if (!List.of(sidecarArgs).contains("--listen-port")) {
      sidecarArgv.addAll(List.of("--listen-port", "0"));
    }
    sidecarArgv.addAll(List.of(sidecarArgs));
    RoleProcess sc =
        into.start(
            "sidecar",
            Map.of(
                "APPNAME",
                "myapp",
                "APPPORT",
                Integer.toString(podPort),
                "INTERCEPT_TOKEN",
                tokens.of("sidecar")),
            sidecarArgv.toArray(String[]::new));
    int sidecar = sc.port("http");
    sc.awaitLine("connected to the proxy", 30_000);
    return new SeedSetup(api, podPort, lap.port("http"), sidecar, tokens, proxy.port("ssh"));
  }

  /**
   * {@code user}'s client taking myapp's requests whose :path fully matches {@code pathRegex} to
   * the laptop, as intercept NAME (started in {@code into}; await its "Intercept is running").
   */
  public RoleProcess intercept(
      Roles into, String user, String name, String pathRegex, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--role=client",
                "intercept",
                "myapp",
                "-m",
                ":path",
                pathRegex,
                "--name",
                name,
                "-p",
                Integer.toString(laptop),
                "--proxy-url",
                "http://127.0.0.1:" + api));
    args.addAll(List.of(more));
    return into.start(
        user + "-" + name, Map.of("INTERCEPT_TOKEN", tokens.of(user)), args.toArray(String[]::new));
  }

  /**
   * A client's session lines without its per-request lines ({@code T: GET /ark3 → localhost:...}),
   * after checking there is one for {@code path}: the seed's transcript had none, ours has one per
   * request served.
   */
  public static List<String> sessionLines(List<String> lines, String path) {
    Predicate<String> request = l -> l.matches("T: [A-Z]+ \\S+ → localhost:\\d+ .*");
    if (lines.stream().noneMatch(l -> request.test(l) && l.startsWith("T: GET " + path + " "))) {
      throw new AssertionError("no T: line for a request to " + path + " in " + lines);
    }
    return lines.stream().filter(request.negate()).toList();
  }

  /** The Authorization header of a test user, for {@link Http#send}. */
  public String[] auth(String user) {
    return new String[] {"Authorization", "Bearer " + tokens.of(user)};
  }
}

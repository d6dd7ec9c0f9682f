package dev.intercept.it;

import java.util.Map;

/**
 * The seed's cast as processes of the built jar on loopback: a proxy, an echo "pod" behind a
 * sidecar for myapp, and an echo "laptop", started in {@code into}, which closes them.
 */
public record SeedSetup(int api, int pod, int laptop, int sidecar) {

  public static SeedSetup start(Roles into, int forwardPorts) throws Exception {
    RoleProcess proxy =
        into.start(
            "proxy",
            Map.of(),
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
            "127.0.0.1");
    RoleProcess pod = into.echo("pod", "the-app-pod");
    RoleProcess lap = into.echo("laptop", "container_on_laptop");
    int api = proxy.port("api");
    int podPort = pod.port("http");
    RoleProcess sc =
        into.start(
            "sidecar",
            Map.of("APPNAME", "myapp", "APPPORT", Integer.toString(podPort)),
            "--role=sidecar",
            "--listen-host",
            "127.0.0.1",
            "--listen-port",
            "0",
            "--proxy-url",
            "http://127.0.0.1:" + api);
    int sidecar = sc.port("http");
    sc.awaitLine("connected to the proxy", 30_000);
    return new SeedSetup(api, podPort, lap.port("http"), sidecar);
  }
}

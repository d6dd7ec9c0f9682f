package dev.intercept.it;

import java.util.List;
import java.util.Map;

/**
 * The seed's cast as processes of the built jar on loopback: a proxy, an echo "pod" behind a
 * sidecar for myapp, and an echo "laptop". Every process is added to {@code into} for closing.
 */
public record SeedSetup(int api, int pod, int laptop, int sidecar) {

  public static SeedSetup start(List<RoleProcess> into, int forwardPorts) throws Exception {
    RoleProcess proxy = RoleProcess.start("proxy", Map.of(), "--role=proxy", "--listen-host", "127.0.0.1",
        "--api-port", "0", "--ssh-port", "0", "--forward-ports", Http.freePorts(forwardPorts), "--forward-bind-host",
        "127.0.0.1");
    into.add(proxy);
    RoleProcess pod = echo(into, "the-app-pod");
    RoleProcess lap = echo(into, "container_on_laptop");
    int api = proxy.port("api");
    int podPort = pod.port("http");
    RoleProcess sc = RoleProcess.start("sidecar", Map.of("APPNAME", "myapp", "APPPORT", Integer.toString(podPort)),
        "--role=sidecar", "--listen-host", "127.0.0.1", "--listen-port", "0", "--proxy-url", "http://127.0.0.1:" + api);
    into.add(sc);
    int sidecar = sc.port("http");
    sc.awaitLine("connected to the proxy", 30_000);
    return new SeedSetup(api, podPort, lap.port("http"), sidecar);
  }

  static RoleProcess echo(List<RoleProcess> into, String hostname) throws Exception {
    RoleProcess p = RoleProcess.start(hostname, Map.of(), "--role=echo", "--listen-host", "127.0.0.1", "--port", "0",
        "--hostname", hostname);
    into.add(p);
    return p;
  }
}

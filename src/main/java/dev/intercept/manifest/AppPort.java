package dev.intercept.manifest;

import dev.intercept.protocol.InvalidInputException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which container port is the app's, the one the sidecar forwards to: {@code --port} (a name or a
 * number), else the only one, else the only one the selecting Services target.
 */
final class AppPort {
  private AppPort() {}

  static Workload.Port choose(Workload w, List<ServiceDoc> selecting, String wanted) {
    List<Workload.Port> ports = w.ports();
    for (Workload.Port p : ports) {
      if (p.number() == ProxyNames.sidecarPort() || SidecarParts.PORT_NAME.equals(p.name())) {
        throw new InvalidInputException(
            w.id()
                + ": container port "
                + p.describe()
                + " is the sidecar's ("
                + SidecarParts.PORT_NAME
                + ", "
                + ProxyNames.sidecarPort()
                + ")");
      }
    }
    if (ports.isEmpty()) {
      throw new InvalidInputException(
          w.id()
              + ": no container declares a port: add the app's containerPort (the sidecar"
              + " forwards to it)");
    }
    Workload.Port chosen;
    if (wanted != null) {
      chosen =
          ports.stream()
              .filter(p -> wanted.equals(p.name()) || wanted.equals(Integer.toString(p.number())))
              .findFirst()
              .orElseThrow(
                  () ->
                      new InvalidInputException(
                          w.id()
                              + ": no container port "
                              + wanted
                              + " (it has "
                              + list(ports)
                              + ")"));
    } else if (ports.size() == 1) {
      chosen = ports.get(0);
    } else {
      Set<Workload.Port> targeted = new LinkedHashSet<>();
      for (ServiceDoc s : selecting) {
        ports.stream().filter(p -> !s.targeting(p).isEmpty()).forEach(targeted::add);
      }
      if (targeted.size() != 1) {
        throw new InvalidInputException(
            w.id()
                + ": several container ports ("
                + list(ports)
                + "): choose the app's with --port");
      }
      chosen = targeted.iterator().next();
    }
    if (!chosen.protocol().equals("TCP")) {
      throw new InvalidInputException(
          w.id() + ": port " + chosen.describe() + " is " + chosen.protocol() + ", not TCP");
    }
    return chosen;
  }

  private static String list(List<Workload.Port> ports) {
    return ports.stream().map(Workload.Port::describe).collect(Collectors.joining(", "));
  }
}

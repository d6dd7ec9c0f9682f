package dev.intercept.manifest;

import java.util.List;

/**
 * {@code inject} and {@code uninject}: manifests in (YAML or JSON, several documents, {@code kind:
 * List}), the same manifests out with the sidecar added or taken out. The text is edited where the
 * changes go and nowhere else, so comments, quoting and the order of fields stay, and uninject
 * gives back the bytes inject was given.
 */
public final class SidecarInjection {
  /** The new text, and one line per thing the user should know (for stderr). */
  public record Result(String text, List<String> notes) {}

  private SidecarInjection() {}

  /**
   * Adds the sidecar to every Deployment, StatefulSet and DaemonSet, and moves the ports of the
   * Services in the input that select them. What was injected before is taken out first, so
   * injecting twice gives what injecting once gives (and new options replace old ones).
   */
  public static Result inject(String text, InjectOptions o) {
    YamlSource first = YamlSource.parse(text);
    List<Workload> workloads =
        ManifestObjects.of(first).entries().stream()
            .flatMap(e -> Workload.of(e.node()).stream())
            .toList();
    String clean = Uninjector.run(first, s -> workloads.stream().anyMatch(s::selects)).text();
    return Injector.run(YamlSource.parse(clean), o);
  }

  /** Takes out everything inject added; objects it did not inject stay as they are. */
  public static Result uninject(String text) {
    Uninjector.Undone undone = Uninjector.run(YamlSource.parse(text), s -> true);
    return new Result(
        undone.text(),
        undone.objects() == 0
            ? List.of("nothing was injected: the input is unchanged")
            : List.of());
  }
}

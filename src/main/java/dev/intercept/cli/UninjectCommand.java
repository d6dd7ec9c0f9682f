package dev.intercept.cli;

import dev.intercept.manifest.SidecarInjection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code uninject FILE|-}: the manifests as they were before inject, on stdout. */
@Command(
    name = "uninject",
    description =
        "Print the manifests of FILE (- for stdin) with what inject added taken out, as they were"
            + " before: intercept uninject app.yaml | kubectl apply -f -")
final class UninjectCommand implements Callable<Integer>, ClientCommand.Offline {
  @Parameters(index = "0", paramLabel = "FILE", description = "manifests, or - for stdin")
  String file;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return ManifestInput.run(
        spec,
        () -> {
          SidecarInjection.Result r =
              SidecarInjection.uninject(ManifestInput.read(file, System.in));
          return new ManifestInput.Output(r.text(), r.notes());
        });
  }
}

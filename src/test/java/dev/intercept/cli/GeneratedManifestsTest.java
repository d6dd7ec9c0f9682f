package dev.intercept.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code k8s/} and {@code example/} are what the commands print today (`make k8s` writes them). */
class GeneratedManifestsTest {

  @Test
  void theRepositorysManifestsAreTheCommandsOutput() throws Exception {
    Path root = Path.of("");
    for (GeneratedManifests.File f : GeneratedManifests.FILES) {
      assertEquals(
          GeneratedManifests.render(root, f.args()),
          Files.readString(root.resolve(f.path())),
          f.path()
              + " differs from `intercept "
              + String.join(" ", f.args())
              + "`: run `make k8s`");
    }
  }

  @Test
  void everyManifestInK8sIsGenerated() throws Exception {
    List<String> generated =
        GeneratedManifests.FILES.stream().map(GeneratedManifests.File::path).toList();
    try (Stream<Path> files = Files.list(Path.of("k8s"))) {
      for (Path p : files.toList()) {
        assertTrue(generated.contains("k8s/" + p.getFileName()), p + " is not install's output");
      }
    }
  }
}

package dev.intercept.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/sidecar-memory.md gives users of {@code java -jar} the very flags bin/intercept (and so the
 * image) gives the sidecar: the two cannot drift apart.
 */
class SidecarMemoryDocTest {
  private static final Pattern LAUNCHER_FLAGS =
      Pattern.compile("^SIDECAR_FLAGS=\"([^\"]+)\"$", Pattern.MULTILINE);
  private static final Pattern LAUNCHER_TRIM =
      Pattern.compile("^SIDECAR_TRIM=\"([^\"]+)\"$", Pattern.MULTILINE);
  private static final Pattern DOC_COMMAND =
      Pattern.compile(
          "^MALLOC_ARENA_MAX=1 java -XX:\\+ExitOnOutOfMemoryError (.+?) -jar intercept\\.jar"
              + " --role=sidecar",
          Pattern.MULTILINE | Pattern.DOTALL);

  static List<String> words(String s) {
    return Arrays.stream(s.replace("\\\n", " ").trim().split("\\s+")).toList();
  }

  @Test
  void docsNameTheLaunchersSidecarFlagsInItsOrder() throws Exception {
    String script = Files.readString(Path.of("bin/intercept"));
    Matcher launcher = LAUNCHER_FLAGS.matcher(script);
    assertTrue(launcher.find(), "bin/intercept has no SIDECAR_FLAGS=\"...\" line");
    Matcher trim = LAUNCHER_TRIM.matcher(script);
    assertTrue(trim.find(), "bin/intercept has no SIDECAR_TRIM=\"...\" line");
    Matcher doc = DOC_COMMAND.matcher(Files.readString(Path.of("docs/sidecar-memory.md")));
    assertTrue(
        doc.find(),
        "docs/sidecar-memory.md has no 'MALLOC_ARENA_MAX=1 java -XX:+ExitOnOutOfMemoryError ..."
            + " -jar intercept.jar --role=sidecar' command");
    assertEquals(words(launcher.group(1) + " " + trim.group(1)), words(doc.group(1)));
  }
}

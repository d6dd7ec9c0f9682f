package dev.intercept.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No class is named by its full package in code where an import would do: only where the file
 * imports another class of the same simple name (e.g. Hazelcast's Config beside ours).
 */
class QualifiedNamesTest {
  private static final Pattern QUALIFIED =
      Pattern.compile(
          "(?<![.\\w\"])((?:java|javax|io\\.vertx|io\\.netty|org\\.apache|org\\.slf4j|org\\.junit"
              + "|com\\.google|com\\.hazelcast|dev\\.intercept|picocli|sun)(?:\\.[a-z0-9_]+)*)"
              + "\\.([A-Z]\\w*)");
  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?([\\w.]+)\\.(\\w+);", Pattern.MULTILINE);

  @Test
  void classesAreImportedUnlessTheirSimpleNameIsTaken() throws Exception {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        found.addAll(qualifiedNames(f));
      }
    }
    assertEquals(List.of(), found, "import these classes instead");
  }

  static List<String> qualifiedNames(Path file) throws Exception {
    String text = Files.readString(file);
    List<String> imported = new ArrayList<>();
    Matcher im = IMPORT.matcher(text);
    while (im.find()) {
      imported.add(im.group(1) + "." + im.group(2));
    }
    List<String> out = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].strip();
      if (line.startsWith("import ")
          || line.startsWith("package ")
          || line.startsWith("*")
          || line.startsWith("//")
          || line.startsWith("/*")) {
        continue;
      }
      Matcher m = QUALIFIED.matcher(lines[n]);
      while (m.find()) {
        String name = m.group(2);
        boolean inString =
            lines[n].substring(0, m.start()).chars().filter(c -> c == '"').count() % 2 == 1;
        boolean clash =
            imported.stream().anyMatch(i -> i.endsWith("." + name) && !i.equals(m.group(0)));
        if (!inString && !clash) {
          out.add(file + ":" + (n + 1) + ": " + m.group(0));
        }
      }
    }
    return out;
  }
}

package dev.intercept.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes manifests parse, and every INTERCEPT_* variable or --flag they set is a real key.
 */
class ManifestsTest {

  @Test
  void manifestsParseAndNameOnlyRealKeys() throws Exception {
    Set<String> env = ConfigKey.all().stream().map(ConfigKey::envName).collect(Collectors.toSet());
    Set<String> flags = ConfigKey.all().stream().map(ConfigKey::flag).collect(Collectors.toSet());
    flags.addAll(List.of("--role", "--config"));
    List<Path> files = new ArrayList<>();
    for (String dir : List.of("k8s", "example")) {
      try (var s = Files.list(Path.of(dir))) {
        s.filter(p -> p.toString().endsWith(".yaml")).forEach(files::add);
      }
    }
    assertTrue(files.size() >= 4, files.toString());
    Pattern envRef = Pattern.compile("\\b(INTERCEPT_[A-Z0-9_]+)");
    Pattern flagRef = Pattern.compile("\"(--[a-z0-9-]+)(=[^\"]*)?\"");
    for (Path f : files) {
      String text = Files.readString(f);
      for (Object doc : new Yaml().loadAll(text)) {
        assertTrue(
            doc instanceof Map<?, ?> m && m.containsKey("kind"), f + ": every document has a kind");
      }
      Matcher m = envRef.matcher(text);
      while (m.find()) {
        assertTrue(
            env.contains(m.group(1)),
            f + " sets " + m.group(1) + ", which is no configuration key");
      }
      m = flagRef.matcher(text);
      while (m.find()) {
        assertTrue(flags.contains(m.group(1)), f + " passes " + m.group(1) + ", which is no flag");
      }
    }
  }
}

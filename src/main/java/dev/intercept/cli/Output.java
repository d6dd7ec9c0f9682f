package dev.intercept.cli;

import dev.intercept.envoy.Yaml;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Option;

/**
 * {@code --output}: text for people (the default), or JSON or YAML with the stable field names
 * docs/cli.md lists, for scripts. A mixin of every verb that prints data.
 */
final class Output {
  enum Format {
    TEXT,
    JSON,
    YAML
  }

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "text (default), json or yaml")
  Format format = Format.TEXT;

  boolean text() {
    return format == Format.TEXT;
  }

  /** Prints {@code data} (a JsonObject or JsonArray) as JSON or YAML; false for text. */
  boolean printData(Object data) {
    switch (format) {
      case JSON ->
          System.out.println(
              data instanceof JsonArray a
                  ? a.encodePrettily()
                  : ((JsonObject) data).encodePrettily());
      case YAML -> System.out.print(Yaml.render(data));
      default -> {
        return false;
      }
    }
    return true;
  }
}

package dev.intercept.cli;

import dev.intercept.config.ConfigKey;
import dev.intercept.config.Role;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A role's command-line options, made from the settings' declarations: {@code --config FILE} and
 * one {@code --KEY VALUE} per setting of the role. Values stay text here; the settings validate
 * them, whichever layer they come from.
 */
final class SettingOptions {
  private static final String CONFIG = "--config";

  private SettingOptions() {}

  /** Adds the role's options to {@code spec}. */
  static void addTo(CommandSpec spec, Role role) {
    // declaration order keeps related settings together
    spec.usageMessage().sortOptions(false);
    spec.addOption(
        OptionSpec.builder(CONFIG)
            .paramLabel("FILE")
            .type(Path.class)
            .description(
                "JSON or YAML config file (example: config/" + role.id() + ".yaml); flags win")
            .build());
    for (ConfigKey<?> k : ConfigKey.of(role)) {
      OptionSpec.Builder b =
          OptionSpec.builder(k.flag())
              .paramLabel(k.type().label())
              .type(String.class)
              .description(escape(describe(k)));
      if (k.type().isFlag()) {
        b.arity("0..1").fallbackValue("true");
      }
      spec.addOption(b.build());
    }
  }

  private static String describe(ConfigKey<?> k) {
    String dflt =
        k.required()
            ? "required"
            : "default " + (k.defaultText().isEmpty() ? "empty" : k.defaultText());
    return k.doc()
        + " Accepts "
        + k.type().accepts()
        + "; "
        + dflt
        + "; env "
        + (k.alias() != null ? k.alias() + " or " : "")
        + k.envName()
        + ".";
  }

  /** Picocli reads descriptions as format strings. */
  private static String escape(String s) {
    return s.replace("%", "%%");
  }

  static Path configFile(CommandSpec spec) {
    return spec.findOption(CONFIG).getValue();
  }

  /** The settings given as flags, as text. */
  static Map<ConfigKey<?>, String> flags(CommandSpec spec, Role role) {
    Map<ConfigKey<?>, String> out = new LinkedHashMap<>();
    for (ConfigKey<?> k : ConfigKey.of(role)) {
      String v = spec.findOption(k.flag()).getValue();
      if (v != null) {
        out.put(k, v);
      }
    }
    return out;
  }
}

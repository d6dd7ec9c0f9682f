package dev.intercept.cli;

import dev.intercept.config.Config;
import dev.intercept.config.Role;
import dev.intercept.config.RoleHandle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** {@code --role=proxy|sidecar|echo}: a server role; its options come from its settings. */
final class ServeCommand implements Callable<Integer> {
  private final Role role;
  private final BiFunction<Vertx, Config, Future<? extends RoleHandle>> start;
  private CommandSpec spec;

  private ServeCommand(Role role, BiFunction<Vertx, Config, Future<? extends RoleHandle>> start) {
    this.role = role;
    this.start = start;
  }

  static CommandLine commandLine(
      Role role,
      String description,
      BiFunction<Vertx, Config, Future<? extends RoleHandle>> start) {
    ServeCommand command = new ServeCommand(role, start);
    command.spec = Cli.spec(command, "--role=" + role.id(), description);
    SettingOptions.addTo(command.spec, role);
    return new CommandLine(command.spec);
  }

  @Override
  public Integer call() {
    return RoleLauncher.serve(
        role, SettingOptions.configFile(spec), SettingOptions.flags(spec, role), start);
  }
}

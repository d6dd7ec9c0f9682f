package dev.intercept.cli;

import dev.intercept.config.ConfigKey;
import dev.intercept.config.Role;
import dev.intercept.echo.EchoRole;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "--role=echo",
    mixinStandardHelpOptions = true,
    description = "HTTP echo server: 'Request served by NAME', the request line, the headers.")
final class EchoCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "JSON or YAML config file")
  Path config;

  @Option(names = "--listen-host", description = "bind address (default 0.0.0.0)")
  String listenHost;

  @Option(names = "--port", description = "port (default 8080; 0 = any)")
  Integer port;

  @Option(names = "--hostname", description = "name to report (default: this machine's)")
  String hostname;

  @Override
  public Integer call() {
    Map<ConfigKey, Object> f = new EnumMap<>(ConfigKey.class);
    f.put(ConfigKey.LISTEN_HOST, listenHost);
    f.put(ConfigKey.PORT, port);
    f.put(ConfigKey.HOSTNAME, hostname);
    return RoleLauncher.serve(Role.ECHO, config, f, EchoRole::start);
  }
}

package dev.intercept.echo;

import dev.intercept.config.Config;
import dev.intercept.config.ConfigKey;
import dev.intercept.config.RoleHandle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;

/** The echo role: one {@link EchoServer}. */
public final class EchoRole {
  private EchoRole() {}

  public static Future<RoleHandle> start(Vertx vertx, Config config) {
    String host = config.get(ConfigKey.LISTEN_HOST);
    int port = config.get(ConfigKey.PORT);
    String name = config.get(ConfigKey.HOSTNAME);
    if (name.isEmpty()) {
      name = hostName();
    }
    EchoServer echo = new EchoServer(host, port, name);
    String served = name;
    return vertx
        .deployVerticle(echo)
        .map(
            id -> {
              System.out.println(
                  "intercept echo: listening http="
                      + host
                      + ":"
                      + echo.actualPort()
                      + " hostname="
                      + served);
              System.out.println("intercept echo: config " + config.describe());
              return (RoleHandle) vertx::close;
            });
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isEmpty()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }
}

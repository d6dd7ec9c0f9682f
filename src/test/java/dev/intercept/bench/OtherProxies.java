package dev.intercept.bench;

import dev.intercept.it.Http;
import dev.intercept.it.RoleProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * nginx and HAProxy from Debian's packages, as the data plane's yardsticks: the upstreams (an nginx
 * answering a short body as "app" and as "laptop"), and each proxy configured for the sidecar's
 * job: requests whose {@code :path} (path and query) matches {@code .*ark3.*} to a second upstream,
 * the rest to the app, on one port; everything to the app on another (no intercept); keep-alive
 * both sides; x-forwarded-for, x-forwarded-proto and x-request-id added, Host kept.
 */
final class OtherProxies {
  static final String APP_BODY = "app\n";
  static final String LAPTOP_BODY = "laptop\n";

  /** A started server: its process and ports (routed, plain; or app, laptop for the upstream). */
  record Server(RoleProcess process, int first, int second) {}

  private OtherProxies() {}

  private static int[] ports(int n) throws IOException {
    String[] p = Http.freePorts(n).split(",");
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = Integer.parseInt(p[i]);
    }
    return out;
  }

  /** nginx's common lines: foreground-friendly paths under dir, no access log. */
  private static String nginxHead(Path dir, String workers) {
    String d = dir.toString();
    boolean root = "root".equals(System.getProperty("user.name"));
    return (root ? "user root;\n" : "")
        + "worker_processes "
        + workers
        + ";\nerror_log stderr warn;\npid "
        + d
        + "/nginx.pid;\nevents { worker_connections 4096; }\nhttp {\n  access_log off;\n"
        + "  client_body_temp_path "
        + d
        + "/body;\n  proxy_temp_path "
        + d
        + "/proxy;\n  fastcgi_temp_path "
        + d
        + "/fastcgi;\n  uwsgi_temp_path "
        + d
        + "/uwsgi;\n  scgi_temp_path "
        + d
        + "/scgi;\n  keepalive_requests 1000000;\n  keepalive_timeout 75s;\n";
  }

  private static RoleProcess nginx(String label, Path dir, String conf) throws IOException {
    Files.writeString(dir.resolve("nginx.conf"), conf);
    return RoleProcess.command(
        label,
        Map.of(),
        List.of(
            "nginx",
            "-p",
            dir.toString(),
            "-c",
            dir.resolve("nginx.conf").toString(),
            "-g",
            "daemon off;"));
  }

  /** The upstream: one nginx worker answering the app's and the laptop's short bodies. */
  static Server upstream(Path dir) throws Exception {
    int[] p = ports(2);
    String conf =
        nginxHead(dir, "1")
            + "  default_type text/plain;\n"
            + "  server { listen 127.0.0.1:"
            + p[0]
            + "; location / { return 200 \""
            + APP_BODY.trim()
            + "\\n\"; } }\n  server { listen 127.0.0.1:"
            + p[1]
            + "; location / { return 200 \""
            + LAPTOP_BODY.trim()
            + "\\n\"; } }\n}\n";
    return new Server(nginx("upstream-nginx", dir, conf), p[0], p[1]);
  }

  /** nginx as the proxy (a worker per core): routed port, plain port. */
  static Server nginxProxy(Path dir, int app, int laptop) throws Exception {
    int[] p = ports(2);
    String conf =
        nginxHead(dir, "auto")
            + "  upstream app { server 127.0.0.1:"
            + app
            + "; keepalive 64; }\n  upstream laptop { server 127.0.0.1:"
            + laptop
            + "; keepalive 64; }\n"
            + "  map $request_uri $target { \"~^.*ark3.*$\" laptop; default app; }\n"
            + "  proxy_http_version 1.1;\n  proxy_set_header Connection \"\";\n"
            + "  proxy_set_header Host $http_host;\n"
            + "  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
            + "  proxy_set_header X-Forwarded-Proto $scheme;\n"
            + "  proxy_set_header X-Request-ID $request_id;\n"
            + "  server { listen 127.0.0.1:"
            + p[0]
            + "; location / { proxy_pass http://$target; } }\n  server { listen 127.0.0.1:"
            + p[1]
            + "; location / { proxy_pass http://app; } }\n}\n";
    return new Server(nginx("nginx", dir, conf), p[0], p[1]);
  }

  /** HAProxy as the proxy (a thread per core, its default): routed port, plain port. */
  static Server haproxy(Path dir, int app, int laptop) throws Exception {
    int[] p = ports(2);
    String conf =
        "global\n  maxconn 8192\ndefaults\n  mode http\n  timeout connect 5s\n"
            + "  timeout client 30s\n  timeout server 30s\n  http-reuse always\n"
            + "  option forwardfor\n"
            + "  unique-id-format %{+X}o%ci:%cp_%fi:%fp_%Ts_%rt:%pid\n"
            + "  unique-id-header X-Request-ID\n"
            + "frontend routed\n  bind 127.0.0.1:"
            + p[0]
            + "\n  http-request set-header X-Forwarded-Proto http\n"
            + "  acl ark3 url_reg ^.*ark3.*$\n  use_backend laptop if ark3\n"
            + "  default_backend app\n"
            + "frontend plain\n  bind 127.0.0.1:"
            + p[1]
            + "\n  http-request set-header X-Forwarded-Proto http\n  default_backend app\n"
            + "backend app\n  server app 127.0.0.1:"
            + app
            + "\nbackend laptop\n  server laptop 127.0.0.1:"
            + laptop
            + "\n";
    Files.writeString(dir.resolve("haproxy.cfg"), conf);
    return new Server(
        RoleProcess.command(
            "haproxy",
            Map.of(),
            List.of("haproxy", "-f", dir.resolve("haproxy.cfg").toString(), "-db")),
        p[0],
        p[1]);
  }
}

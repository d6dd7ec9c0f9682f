package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.TestTokens;
import dev.intercept.TestWait;
import dev.intercept.tunnel.TunnelKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may do what, as real processes with --auth=token-file: developers alice and bob, an admin, a
 * sidecar, and callers with no token or a wrong one.
 */
class AuthIT {
  private static final String KEY = TunnelKeys.toOpenSsh(TunnelKeys.generate().getPublic());
  private final Roles started = new Roles();
  private TestTokens tokens;
  private RoleProcess proxy;
  private int api;
  private int sidecar;
  private int laptop;

  @BeforeEach
  void start() throws Exception {
    tokens = TestTokens.create();
    proxy = proxy("proxy");
    api = proxy.port("api");
    laptop = started.echo("laptop", "container_on_laptop").port("http");
    int pod = started.echo("pod", "the-app-pod").port("http");
    RoleProcess sc =
        started.start(
            "sidecar",
            Map.of("APPNAME", "myapp", "APPPORT", Integer.toString(pod)),
            "--role=sidecar",
            "--listen-port",
            "0",
            "--proxy-url",
            "http://127.0.0.1:" + api,
            "--token",
            tokens.of("sidecar"));
    sidecar = sc.port("http");
    sc.awaitLine("connected to the proxy", 30_000);
  }

  @AfterEach
  void stop() {
    started.close();
  }

  RoleProcess proxy(String label, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--role=proxy",
                "--api-port",
                "0",
                "--ssh-port",
                "0",
                "--forward-ports",
                Http.freePorts(2)));
    args.addAll(tokens.proxyArgs());
    args.addAll(List.of(extra));
    RoleProcess p = started.start(label, Map.of(), args.toArray(String[]::new));
    p.port("api");
    return p;
  }

  Http.Response as(String user, String method, String path, String body) throws Exception {
    String[] auth =
        user == null
            ? new String[0]
            : new String[] {
              "Authorization", "Bearer " + (user.equals("wrong") ? "not-a-token" : tokens.of(user))
            };
    return Http.send(
        api, method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), auth);
  }

  static String body(String regex) {
    return new JsonObject()
        .put(
            "matchers",
            new JsonArray().add(new JsonObject().put("header", ":path").put("regex", regex)))
        .put("publicKey", KEY)
        .encode();
  }

  String served(String path) {
    try {
      return Http.get(sidecar, path).firstLine().replace("Request served by ", "");
    } catch (Exception e) {
      return e.toString();
    }
  }

  RoleProcess client(String user, String name, String regex, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--role=client",
                "intercept",
                "myapp",
                "-m",
                ":path",
                regex,
                "--name",
                name,
                "-p",
                Integer.toString(laptop),
                "--proxy-url",
                "http://127.0.0.1:" + api));
    args.addAll(List.of(extra));
    return started.start(
        user, Map.of("INTERCEPT_TOKEN", tokens.of(user)), args.toArray(String[]::new));
  }

  @Test
  void unauthenticatedAndMisplacedCallersAreRefusedWithTheRightStatus() throws Exception {
    for (String who : new String[] {null, "wrong"}) {
      Http.Response r = as(who, "GET", "/api/v1/intercepts", null);
      assertEquals(401, r.status(), r.body());
      assertEquals("Bearer", r.header("WWW-Authenticate"));
      assertTrue(r.body().contains("\"code\":\"unauthenticated\""), r.body());
    }
    Http.Response poll = as("alice", "GET", "/api/v1/apps/myapp/routes?since=-1", null);
    assertEquals(403, poll.status(), "a developer may not poll routes: " + poll.body());
    Http.Response put = as("sidecar", "PUT", "/api/v1/apps/myapp/intercepts/s", body("/s"));
    assertEquals(403, put.status(), "a sidecar may not register: " + put.body());
    assertEquals(200, Http.get(api, "/healthz").status(), "probes need no token");
    assertEquals("[]", as("alice", "GET", "/api/v1/intercepts", null).body(), "nothing changed");
  }

  @Test
  void anAnonymousOrDeveloperPollDoesNotMakeAnAppKnown() throws Exception {
    assertEquals(401, as(null, "GET", "/api/v1/apps/ghost/routes?since=-1", null).status());
    assertEquals(403, as("bob", "GET", "/api/v1/apps/ghost/routes?since=-1", null).status());
    Http.Response r = as("alice", "PUT", "/api/v1/apps/ghost/intercepts/x", body("/x"));
    assertEquals(404, r.status(), r.body());
    assertTrue(r.body().contains("no sidecar with APPNAME=ghost"), r.body());
  }

  @Test
  void anotherDeveloperCannotTouchAnInterceptAndItsTunnelKeepsWorkingUntilAnAdminRevokesIt()
      throws Exception {
    RoleProcess alice = client("alice", "test", ".*ark3.*");
    alice.awaitLine("^T: Intercept is running", 30_000);
    TestWait.until(() -> served("/ark3").equals("container_on_laptop"), 5_000, "alice's laptop");
    String path = "/api/v1/apps/myapp/intercepts/test";
    String before = as("alice", "GET", "/api/v1/intercepts", null).body();
    assertEquals("alice", new JsonArray(before).getJsonObject(0).getString("owner"));
    List<Http.Response> refused =
        List.of(
            as("bob", "DELETE", path, null),
            as("bob", "POST", path + "/renew", ""),
            as("bob", "PUT", path, body(".*ark3.*")), // re-register, with another key
            as("bob", "PUT", path, body(".*")));
    for (Http.Response r : refused) {
      assertEquals(403, r.status(), r.body());
      assertTrue(r.body().contains("belongs to alice"), r.body());
    }
    assertEquals(before, as("alice", "GET", "/api/v1/intercepts", null).body(), "nothing changed");
    assertEquals("container_on_laptop", served("/ark3"), "alice's tunnel still works");
    RoleProcess bob = client("bob", "test", ".*");
    assertEquals(1, bob.awaitExit(30_000));
    assertTrue(bob.stderr().toString().contains("belongs to alice"), bob.stderr().toString());

    assertEquals(204, as("admin", "DELETE", path, null).status(), "an admin revokes it");
    TestWait.until(() -> served("/ark3").equals("the-app-pod"), 5_000, "the pods again");
    proxy.awaitLogLine("intercept test of app myapp \\(alice\\) deleted by admin", 5_000);
  }

  @Test
  void theClientTakesItsTokenFromAKubeconfigTokenOrExecPlugin(@TempDir Path dir) throws Exception {
    Path withToken = kubeconfig(dir.resolve("token.yaml"), "    token: " + tokens.of("alice"));
    Path script = dir.resolve("credential.sh");
    Files.writeString(
        script,
        "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
            + "\"kind\":\"ExecCredential\",\"status\":{\"token\":\""
            + tokens.of("bob")
            + "\"}}'\n");
    script.toFile().setExecutable(true);
    Path withExec =
        kubeconfig(
            dir.resolve("exec.yaml"),
            "    exec:\n"
                + "      apiVersion: client.authentication.k8s.io/v1\n"
                + "      command: "
                + script
                + "\n      interactiveMode: Never");
    for (var c : Map.of("alice", withToken, "bob", withExec).entrySet()) {
      RoleProcess list =
          started.start(
              "list-" + c.getKey(),
              Map.of("KUBECONFIG", c.getValue().toString()),
              "--role=client",
              "list",
              "--proxy-url",
              "http://127.0.0.1:" + api);
      assertEquals(0, list.awaitExit(30_000), c.getKey() + ": " + list.stderr());
    }
    RoleProcess none =
        started.start(
            "list-none",
            Map.of(),
            "--role=client",
            "list",
            "--proxy-url",
            "http://127.0.0.1:" + api);
    assertEquals(1, none.awaitExit(30_000));
    assertTrue(none.stderr().get(0).contains("bearer token is required"), none.stderr().toString());
  }

  static Path kubeconfig(Path file, String userLines) throws Exception {
    return Files.writeString(
        file,
        "apiVersion: v1\nkind: Config\ncurrent-context: dev\n"
            + "clusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\n"
            + "contexts:\n- name: dev\n  context:\n    cluster: c\n    user: u\n"
            + "users:\n- name: u\n  user:\n"
            + userLines
            + "\n");
  }

  @Test
  void theClientFailsClosedWhenTheSshServerPresentsAnotherKey() throws Exception {
    // a second proxy's SSH server: the first one tells clients to use it, with its own key
    RoleProcess other = proxy("other-proxy");
    int otherSsh = other.port("ssh");
    RoleProcess liar = proxy("lying-proxy", "--public-ssh-port", Integer.toString(otherSsh));
    api = liar.port("api");
    assertEquals(200, as("sidecar", "GET", "/api/v1/apps/myapp/routes?since=-1", null).status());
    RoleProcess c = client("alice", "test", ".*ark3.*");
    assertEquals(1, c.awaitExit(30_000), c.stdout().toString());
    assertTrue(
        c.stderr().get(c.stderr().size() - 1).contains("cannot open the SSH tunnel"),
        c.stderr().toString());
    assertEquals(
        "[]", as("alice", "GET", "/api/v1/intercepts", null).body(), "nothing left behind");
  }

  @Test
  void theClientFailsClosedWithoutAHostKeyAndWhenThePinnedOneChanges(@TempDir Path dir)
      throws Exception {
    KeyStrippingRelay relay = KeyStrippingRelay.start(api);
    try {
      RoleProcess c =
          started.start(
              "stripped",
              Map.of("INTERCEPT_TOKEN", tokens.of("alice")),
              "--role=client",
              "intercept",
              "myapp",
              "-m",
              ":path",
              "/x",
              "--name",
              "stripped",
              "-p",
              Integer.toString(laptop),
              "--proxy-url",
              "http://127.0.0.1:" + relay.port());
      assertEquals(1, c.awaitExit(30_000));
      assertTrue(
          c.stderr().get(c.stderr().size() - 1).contains("did not announce its SSH host key"),
          c.stderr().toString());
      assertNull(ProxyApi.find(api, tokens.of("alice"), "myapp", "stripped"), "removed again");
    } finally {
      relay.close();
    }
    // pinned: a proxy at the same URL with another host key is refused until the user accepts it
    Path pins = dir.resolve("known_hosts");
    RoleProcess first = client("alice", "pinned", "/p", "--known-hosts-file", pins.toString());
    first.awaitLine("^T: Intercept is running", 30_000);
    first.signal("INT");
    assertEquals(0, first.awaitExit(15_000));
    Files.writeString(
        pins, Files.readString(pins).replaceAll("(?m)^(http://\\S+) .*$", "$1 " + KEY));
    RoleProcess refused = client("alice", "pinned", "/p", "--known-hosts-file", pins.toString());
    assertEquals(1, refused.awaitExit(30_000));
    assertTrue(
        refused.stderr().get(refused.stderr().size() - 1).contains("--accept-new-host-key"),
        refused.stderr().toString());
    RoleProcess accepted =
        client(
            "alice",
            "pinned",
            "/p",
            "--known-hosts-file",
            pins.toString(),
            "--accept-new-host-key");
    accepted.awaitLine("^T: Intercept is running", 30_000);
    assertTrue(Files.readString(pins).contains(proxyHostKey()), Files.readString(pins));
  }

  String proxyHostKey() throws Exception {
    return proxy.awaitLogLine("SSH host key (\\S+ \\S+)", 5_000).group(1);
  }
}

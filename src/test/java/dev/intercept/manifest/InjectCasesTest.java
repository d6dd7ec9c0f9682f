package dev.intercept.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.protocol.InvalidInputException;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What inject cannot handle, it refuses with one line that says what and where, before any change;
 * what uninject finds changed since inject, it leaves to the user; and the options' cases.
 */
class InjectCasesTest {
  private static final InjectOptions DEFAULTS = options(null, null, false);

  static InjectOptions options(String port, String app, boolean envoy) {
    return new InjectOptions(
        "intercept:1.0", "intercept", port, app, envoy, InjectOptions.ENVOY_IMAGE, null);
  }

  /** A Deployment whose pod spec's lines are {@code pod} (at 6 spaces), and more documents. */
  static String deployment(String name, String podLabels, String pod, String... more) {
    StringBuilder s =
        new StringBuilder(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: "
                + name
                + "\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n"
                + "    metadata:\n      labels: "
                + podLabels
                + "\n    spec:\n");
    pod.lines().forEach(l -> s.append("      ").append(l).append('\n'));
    for (String m : more) {
      s.append("---\n").append(m);
    }
    return s.toString();
  }

  static final String WEB =
      "containers:\n- name: web\n  image: web:1\n  ports:\n  - {name: http, containerPort: 8080}\n"
          + "  - {name: admin, containerPort: 8558}\n";

  static final String SERVICE =
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n"
          + "  ports:\n  - {port: 80, targetPort: http}\n";

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of(
            "no port",
            deployment("web", "{app: web}", "containers:\n- {name: web, image: web:1}\n"),
            DEFAULTS,
            "Deployment/web: no container declares a port"),
        Arguments.of(
            "two ports, no Service to tell",
            deployment("web", "{app: web}", WEB),
            DEFAULTS,
            "several container ports (http 8080 of container web, admin 8558 of container web):"
                + " choose the app's with --port"),
        Arguments.of(
            "--port that is not there",
            deployment("web", "{app: web}", WEB),
            options("grpc", null, false),
            "no container port grpc"),
        Arguments.of(
            "a port the Service does not target",
            deployment("web", "{app: web}", WEB, SERVICE),
            options("admin", null, false),
            "Service/web selects its pods but no port of it targets the app's port admin 8558"),
        Arguments.of(
            "host network",
            deployment("web", "{app: web}", "hostNetwork: true\n" + WEB),
            options("http", null, false),
            "hostNetwork"),
        Arguments.of(
            "a container of its own named sidecar",
            deployment("web", "{app: web}", WEB + "- {name: sidecar, image: istio/proxyv2}\n"),
            options("http", null, false),
            "already has a container named 'sidecar' that inject did not add"),
        Arguments.of(
            "a container of its own named envoy, with the Envoy plane",
            deployment("web", "{app: web}", WEB + "- {name: envoy, image: envoy}\n"),
            options("http", null, true),
            "already has a container named 'envoy'"),
        Arguments.of(
            "a volume of its own with one of our names",
            deployment(
                "web", "{app: web}", WEB + "volumes:\n- {name: intercept-tmp, emptyDir: {}}\n"),
            options("http", null, false),
            "already has a volume named 'intercept-tmp'"),
        Arguments.of(
            "the sidecar label saying false",
            deployment("web", "{app: web, intercept.dev/sidecar: 'false'}", WEB),
            options("http", null, false),
            "label intercept.dev/sidecar is 'false'"),
        Arguments.of(
            "the sidecar's port taken",
            deployment(
                "web",
                "{app: web}",
                "containers:\n- {name: web, image: w, ports: [{containerPort: 9900}]}\n"),
            DEFAULTS,
            "container port 9900 of container web is the sidecar's"),
        Arguments.of(
            "UDP",
            deployment(
                "web",
                "{app: web}",
                "containers:\n- {name: dns, image: d, ports: [{containerPort: 53, protocol: UDP}]}\n"),
            DEFAULTS,
            "is UDP, not TCP"),
        Arguments.of(
            "a name that is no app name",
            deployment("web.v2", "{app: web}", WEB),
            options("http", null, false),
            "'web.v2' is no app name (a DNS label): give one with --app-name"),
        Arguments.of(
            "YAML anchors",
            deployment("web", "&labels {app: web}", WEB),
            options("http", null, false),
            "anchors or aliases"),
        Arguments.of(
            "a key twice",
            deployment("web", "{app: web}", WEB + "containers: []\n"),
            options("http", null, false),
            "key 'containers' appears twice at line"),
        Arguments.of(
            "null volumes",
            deployment("web", "{app: web}", WEB + "volumes:\n"),
            options("http", null, false),
            "volumes is null"),
        Arguments.of(
            "nothing to inject",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n" + SERVICE,
            DEFAULTS,
            "nothing to inject: no Deployment, StatefulSet or DaemonSet in the input"),
        Arguments.of(
            "a bare Pod",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: []\n",
            DEFAULTS,
            "nothing to inject"),
        Arguments.of(
            "no YAML", "kind: Deployment\nmetadata: {name: [\n", DEFAULTS, "not YAML at line 3"),
        Arguments.of(
            "an appProtocol the sidecar cannot serve",
            deployment("web", "{app: web}", WEB, service("web", "https")),
            DEFAULTS,
            "Deployment/web: Service/web port 80 has appProtocol 'https', which the sidecar cannot"
                + " serve (it takes http, kubernetes.io/h2c, grpc, kubernetes.io/ws): name the"
                + " app's protocol with --app-protocol"),
        Arguments.of(
            "two Services that disagree on the app's protocol",
            deployment(
                "web",
                "{app: web}",
                WEB,
                service("web", "grpc"),
                service("web-h1", "http").replace("port: 80,", "port: 81,")),
            DEFAULTS,
            "Deployment/web: Service/web port 80 says appProtocol grpc but Service/web-h1 port 81"
                + " says http: choose with --app-protocol"));
  }

  /** {@link #SERVICE} named {@code name}, its port's appProtocol {@code protocol}. */
  static String service(String name, String protocol) {
    return SERVICE
        .replace("name: web\n", "name: " + name + "\n")
        .replace("targetPort: http}", "targetPort: http, appProtocol: " + protocol + "}");
  }

  static String sidecarEnv(String text, String name) {
    int at = text.indexOf("- name: " + name + "\n");
    return at < 0 ? null : text.substring(at, text.indexOf('\n', text.indexOf("value:", at)));
  }

  @Test
  void theServicesAppProtocolBecomesTheSidecarsAppProtocol() {
    String in = deployment("web", "{app: web}", WEB, service("web", "grpc"));
    SidecarInjection.Result r = SidecarInjection.inject(in, DEFAULTS);
    assertEquals("- name: APPPROTOCOL\n          value: grpc", sidecarEnv(r.text(), "APPPROTOCOL"));
    assertTrue(
        r.notes().stream().anyMatch(n -> n.contains("port http 8080 of container web (grpc)")),
        r.notes().toString());
    // another mesh's spelling is taken for ours
    String h2 =
        SidecarInjection.inject(
                deployment("web", "{app: web}", WEB, service("web", "HTTP2")), DEFAULTS)
            .text();
    assertEquals(
        "- name: APPPROTOCOL\n          value: kubernetes.io/h2c", sidecarEnv(h2, "APPPROTOCOL"));
    // none declared: none set, the sidecar's default (http)
    assertEquals(
        null,
        sidecarEnv(
            SidecarInjection.inject(deployment("web", "{app: web}", WEB, SERVICE), DEFAULTS).text(),
            "APPPROTOCOL"));
    assertEquals(in, SidecarInjection.uninject(r.text()).text());
  }

  @Test
  void appProtocolOptionWinsOverTheServices() {
    InjectOptions ws =
        new InjectOptions(
            "intercept:1.0",
            "intercept",
            null,
            null,
            true,
            InjectOptions.ENVOY_IMAGE,
            null,
            "kubernetes.io/ws");
    String out =
        SidecarInjection.inject(deployment("web", "{app: web}", WEB, service("web", "https")), ws)
            .text();
    assertEquals(
        "- name: APPPROTOCOL\n          value: kubernetes.io/ws", sidecarEnv(out, "APPPROTOCOL"));
    assertEquals(
        "--app-protocol must be one of http, kubernetes.io/h2c, grpc, kubernetes.io/ws, got 'h2c'",
        assertThrows(
                InvalidInputException.class,
                () -> new InjectOptions("i", "intercept", null, null, false, "e", null, "h2c"))
            .getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusedWithOneLineThatSaysWhy(String what, String text, InjectOptions o, String reason) {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> SidecarInjection.inject(text, o));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }

  @Test
  void otherKindsThatRunPodsPassWithANote() {
    String cron =
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec: {schedule: '@daily'}\n";
    SidecarInjection.Result r =
        SidecarInjection.inject(
            deployment("web", "{app: web}", WEB, SERVICE, cron), options("http", null, false));
    assertTrue(r.text().endsWith(cron), r.text());
    assertTrue(
        r.notes()
            .contains(
                "left as is: CronJob/nightly (inject takes Deployment, StatefulSet or DaemonSet)"),
        r.notes().toString());
    assertTrue(
        r.notes().stream()
            .anyMatch(n -> n.endsWith("--sidecar-service-accounts NAMESPACE:default")),
        r.notes().toString());
  }

  @Test
  void withSeveralPortsTheServiceTellsWhichIsTheApps() {
    String in = deployment("web", "{app: web}", WEB, SERVICE);
    SidecarInjection.Result r = SidecarInjection.inject(in, DEFAULTS);
    assertTrue(r.text().contains("- name: APPPORT\n          value: '8080'\n"), r.text());
    assertTrue(r.text().contains("targetPort: intercept}"), r.text());
  }

  @Test
  void uninjectLeavesWhatTheUserAddedSince() {
    String in = deployment("web", "{app: web}", WEB, SERVICE);
    String injected = SidecarInjection.inject(in, DEFAULTS).text();
    // the user adds a volume of their own after inject made the volumes key
    String edited =
        injected.replace(
            "      volumes:\n", "      volumes:\n      - {name: mine, emptyDir: {}}\n");
    String back = SidecarInjection.uninject(edited).text();
    assertEquals(
        in.replace(
            "  - {name: admin, containerPort: 8558}\n",
            "  - {name: admin, containerPort: 8558}\n      volumes:\n      - {name: mine, emptyDir: {}}\n"),
        back);
  }

  @Test
  void uninjectOfWhatWasNeverInjectedChangesNothingAndSaysSo() {
    String in = deployment("web", "{app: web}", WEB, SERVICE);
    SidecarInjection.Result r = SidecarInjection.uninject(in);
    assertEquals(in, r.text());
    assertEquals(List.of("nothing was injected: the input is unchanged"), r.notes());
  }

  @Test
  void aServiceAloneKeepsItsInjectionWhenReinjected() {
    String in = deployment("web", "{app: web}", WEB, SERVICE);
    String injected = SidecarInjection.inject(in, DEFAULTS).text();
    String service = injected.substring(injected.indexOf("apiVersion: v1\nkind: Service"));
    String withOtherApp =
        deployment(
                "other",
                "{app: other}",
                "containers:\n- {name: o, image: o, ports: [{containerPort: 1}]}\n")
            + "---\n"
            + service;
    String again = SidecarInjection.inject(withOtherApp, DEFAULTS).text();
    assertTrue(again.endsWith(service), again);
  }

  @Test
  void aTokenSecretReplacesTheProjectedToken() {
    InjectOptions o =
        new InjectOptions(
            "intercept:1.0",
            "intercept",
            "http",
            null,
            false,
            InjectOptions.ENVOY_IMAGE,
            "web-token");
    String out = SidecarInjection.inject(deployment("web", "{app: web}", WEB, SERVICE), o).text();
    var volume =
        StrictManifests.only(StrictManifests.parse(out), Deployment.class, "web")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getVolumes()
            .get(0);
    assertEquals("intercept-token", volume.getName());
    assertEquals("web-token", volume.getSecret().getSecretName());
    assertFalse(volume.getSecret().getOptional());
    assertEquals(null, volume.getProjected());
    assertTrue(out.contains("--token-file=/var/run/secrets/intercept/token"));
  }

  @Test
  void emptyAndCommentOnlyDocumentsPass() {
    String in =
        "---\n# only a comment\n---\n"
            + deployment("web", "{app: web}", WEB, SERVICE)
            + "---\n\n...\n";
    String out = SidecarInjection.inject(in, options("http", null, false)).text();
    assertTrue(out.startsWith("---\n# only a comment\n---\n"));
    assertTrue(out.endsWith("---\n\n...\n"));
    assertEquals(in, SidecarInjection.uninject(out).text());
  }

  @Test
  void badOptionsAreRefusedBeforeAnythingIsRead() {
    assertEquals(
        "--proxy-namespace 'Intercept' must be at most 63 characters of a-z, 0-9 and '-', starting"
            + " and ending with a letter or digit",
        assertThrows(
                InvalidInputException.class,
                () -> new InjectOptions("i", "Intercept", null, null, false, "e", null))
            .getMessage());
    assertEquals(
        "--image must be an image reference, got 'a b'",
        assertThrows(
                InvalidInputException.class,
                () -> new InjectOptions("a b", "intercept", null, null, false, "e", null))
            .getMessage());
    assertThrows(
        InvalidInputException.class,
        () -> new InjectOptions("i", "intercept", null, "My_App", false, "e", null));
    assertThrows(
        InvalidInputException.class,
        () -> new InjectOptions("i", "intercept", null, null, false, "e", "Token!"));
  }
}

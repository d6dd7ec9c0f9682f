package dev.intercept.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inject and uninject on manifests shaped like real ones (Helm output with several containers,
 * named ports, probes and init containers; {@code kubectl get -o yaml} lists; flow style; JSON; a
 * StatefulSet and a DaemonSet; no final line break; CRLF; characters beyond the BMP). What inject
 * adds is checked on fabric8's model: the output minus the sidecar is the input, object for object;
 * and on the text: uninject gives back the input's bytes, injecting twice gives what once gives,
 * and the objects inject does not change keep their bytes.
 */
class InjectCorpusTest {
  private static final String IMAGE = "intercept:9.9.9";

  /** A corpus file, inject's options, and what it should do: app ports, moved Service ports. */
  record Case(
      String file,
      String port,
      String appName,
      Map<String, Integer> appPorts,
      Map<String, List<Integer>> moved,
      boolean crlf,
      Map<String, String> protocols) {
    /** A case whose Services declare no appProtocol. */
    Case(
        String file,
        String port,
        String appName,
        Map<String, Integer> appPorts,
        Map<String, List<Integer>> moved,
        boolean crlf) {
      this(file, port, appName, appPorts, moved, crlf, Map.of());
    }

    @Override
    public String toString() {
      return file + (crlf ? " (CRLF)" : "");
    }

    String text() throws Exception {
      String t =
          Files.readString(
              file.startsWith("example/")
                  ? Path.of(file)
                  : Path.of("src/test/resources/manifests", file));
      return crlf ? t.replace("\n", "\r\n") : t;
    }
  }

  static Stream<Arguments> cases() {
    List<Case> cases =
        List.of(
            new Case(
                "web-shop.yaml",
                "http",
                null,
                Map.of("shop-web", 8080),
                Map.of("shop-web", List.of(80)),
                false,
                Map.of("shop-web", "http")),
            new Case(
                "web-shop.yaml",
                "8080",
                null,
                Map.of("shop-web", 8080),
                Map.of("shop-web", List.of(80)),
                true,
                Map.of("shop-web", "http")),
            new Case(
                "grpc-route-guide.yaml",
                null,
                null,
                Map.of("route-guide", 50051),
                Map.of("route-guide", List.of(50051), "route-guide-headless", List.of(50051)),
                false,
                Map.of("route-guide", "grpc")),
            new Case(
                "kubectl-get.yaml",
                null,
                null,
                Map.of("orders", 3000),
                Map.of("orders", List.of(80)),
                false),
            new Case(
                "flow-style.yaml",
                null,
                null,
                Map.of("greeter", 8080),
                Map.of("greeter", List.of(8080)),
                false),
            new Case(
                "stateful.yaml",
                null,
                null,
                Map.of("ledger", 7070, "node-agent", 9100),
                Map.of("ledger", List.of(7070)),
                false),
            new Case("payments.json", "http", null, Map.of("payments", 8080), Map.of(), false),
            new Case("no-final-newline.yaml", null, null, Map.of("tiny", 80), Map.of(), false),
            new Case(
                "example/the-app.plain.yaml",
                null,
                "myapp",
                Map.of("the-app", 8080),
                Map.of("the-app", List.of(80)),
                false));
    List<Arguments> out = new ArrayList<>();
    for (Case c : cases) {
      out.add(Arguments.of(c, false));
      out.add(Arguments.of(c, true));
    }
    return out.stream();
  }

  private static InjectOptions options(Case c, boolean envoy) {
    return new InjectOptions(
        IMAGE, "intercept-system", c.port(), c.appName(), envoy, InjectOptions.ENVOY_IMAGE, null);
  }

  @ParameterizedTest(name = "{0}, envoy {1}")
  @MethodSource("cases")
  void theOutputIsTheInputPlusTheSidecarOnFabric8sModel(Case c, boolean envoy) throws Exception {
    InjectOptions o = options(c, envoy);
    List<HasMetadata> before = StrictManifests.parse(c.text());
    List<HasMetadata> after = StrictManifests.parse(SidecarInjection.inject(c.text(), o).text());
    assertEquals(before.size(), after.size());
    int workloads = 0;
    for (int i = 0; i < before.size(); i++) {
      HasMetadata b = before.get(i);
      HasMetadata a = after.get(i);
      String name = b.getMetadata().getName();
      PodTemplateSpec template = template(a);
      if (template != null) {
        workloads++;
        stripSidecar(c, o, name, template, template(b));
      } else if (a instanceof Service s && c.moved().containsKey(name)) {
        restorePorts(c.moved().get(name), s, (Service) b);
      }
      if (a.getMetadata().getAnnotations() != null) {
        String record = a.getMetadata().getAnnotations().remove(InjectRecord.ANNOTATION);
        assertEquals(
            template != null || c.moved().containsKey(name) && a instanceof Service,
            record != null,
            name + ": the record annotation");
        if (b.getMetadata().getAnnotations() == null
            && a.getMetadata().getAnnotations().isEmpty()) {
          a.getMetadata().setAnnotations(null);
        }
      }
      assertEquals(b, a, b.getKind() + "/" + name + ": what inject left differs from the input");
    }
    assertEquals(c.appPorts().size(), workloads);
  }

  /** Checks and removes what inject added to a pod template, leaving what should be the input. */
  private void stripSidecar(
      Case c, InjectOptions o, String workload, PodTemplateSpec after, PodTemplateSpec before) {
    SidecarParts parts = new SidecarParts(o);
    String app = c.appName() != null ? c.appName() : workload;
    List<Container> expected = new ArrayList<>(before.getSpec().getContainers());
    String protocol = c.protocols().get(workload);
    for (Map<String, Object> m : parts.containers(app, c.appPorts().get(workload), protocol)) {
      expected.add(StrictManifests.SERIALIZATION.convertValue(m, Container.class));
    }
    assertEquals(expected, after.getSpec().getContainers(), workload + ": containers");
    Container sidecar =
        after.getSpec().getContainers().get(before.getSpec().getContainers().size());
    assertEquals(IMAGE, sidecar.getImage());
    assertEquals(10001L, sidecar.getSecurityContext().getRunAsUser());
    assertTrue(sidecar.getSecurityContext().getReadOnlyRootFilesystem());
    assertEquals(List.of("ALL"), sidecar.getSecurityContext().getCapabilities().getDrop());
    Map<String, String> env = new HashMap<>();
    sidecar.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    Map<String, String> expectedEnv =
        new HashMap<>(
            Map.of(
                "APPNAME",
                app,
                "APPPORT",
                c.appPorts().get(workload).toString(),
                "INTERCEPT_PROXY_URL",
                "http://intercept-proxy.intercept-system.svc:8081"));
    if (protocol != null) {
      expectedEnv.put("APPPROTOCOL", protocol);
    }
    assertEquals(expectedEnv, env);
    List<Volume> volumes = new ArrayList<>();
    if (before.getSpec().getVolumes() != null) {
      volumes.addAll(before.getSpec().getVolumes());
    }
    for (Map<String, Object> m : parts.volumes()) {
      volumes.add(StrictManifests.SERIALIZATION.convertValue(m, Volume.class));
    }
    assertEquals(volumes, after.getSpec().getVolumes(), workload + ": volumes");
    assertEquals("true", after.getMetadata().getLabels().remove(ProxyNames.SIDECAR_LABEL));
    after.getSpec().setContainers(before.getSpec().getContainers());
    after.getSpec().setVolumes(before.getSpec().getVolumes());
  }

  /** Checks that the moved ports target the sidecar, and puts their targets back. */
  private static void restorePorts(List<Integer> moved, Service after, Service before) {
    List<ServicePort> a = after.getSpec().getPorts();
    List<ServicePort> b = before.getSpec().getPorts();
    for (int i = 0; i < a.size(); i++) {
      if (moved.contains(a.get(i).getPort())) {
        assertEquals(SidecarParts.PORT_NAME, a.get(i).getTargetPort().getStrVal());
        a.get(i).setTargetPort(b.get(i).getTargetPort());
      }
    }
  }

  private static PodTemplateSpec template(HasMetadata o) {
    if (o instanceof Deployment d) {
      return d.getSpec().getTemplate();
    }
    if (o instanceof StatefulSet s) {
      return s.getSpec().getTemplate();
    }
    return o instanceof DaemonSet d ? d.getSpec().getTemplate() : null;
  }

  @ParameterizedTest(name = "{0}, envoy {1}")
  @MethodSource("cases")
  void uninjectGivesTheBytesBackAndInjectingTwiceIsOnce(Case c, boolean envoy) throws Exception {
    String text = c.text();
    String once = SidecarInjection.inject(text, options(c, envoy)).text();
    assertEquals(text, SidecarInjection.uninject(once).text());
    assertEquals(once, SidecarInjection.inject(once, options(c, envoy)).text());
    // injecting over another injection replaces it
    String other = SidecarInjection.inject(text, options(c, !envoy)).text();
    assertEquals(once, SidecarInjection.inject(other, options(c, envoy)).text());
    if (c.crlf()) {
      assertTrue(once.replace("\r\n", "").indexOf('\n') < 0, "inserted lines end with CRLF too");
    }
  }

  @ParameterizedTest(name = "{0}, envoy {1}")
  @MethodSource("cases")
  void objectsInjectDoesNotChangeKeepTheirBytes(Case c, boolean envoy) throws Exception {
    String text = c.text();
    YamlSource in = YamlSource.parse(text);
    YamlSource out = YamlSource.parse(SidecarInjection.inject(text, options(c, envoy)).text());
    var inObjects = ManifestObjects.of(in).entries();
    var outObjects = ManifestObjects.of(out).entries();
    assertEquals(inObjects.size(), outObjects.size());
    int kept = 0;
    for (int i = 0; i < inObjects.size(); i++) {
      var n = inObjects.get(i).node();
      String name = Nodes.mapping(n, "metadata").map(m -> Nodes.text(m, "name")).orElse("");
      boolean changed =
          Workload.of(n).isPresent()
              || (ServiceDoc.of(n).isPresent() && c.moved().containsKey(name));
      if (!changed) {
        kept++;
        assertEquals(in.source(n), out.source(outObjects.get(i).node()), ManifestObjects.id(n));
      }
    }
    assertEquals(inObjects.size() - c.appPorts().size() - c.moved().size(), kept);
  }
}

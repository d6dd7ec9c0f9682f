package dev.intercept.envoy;

import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.InvalidInputException;
import dev.intercept.protocol.Matcher;
import dev.intercept.protocol.Route;
import dev.intercept.protocol.RouteTable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Envoy data plane's half in the sidecar: writes bootstrap.yaml once, then cds.yaml and
 * lds.yaml for every route table on {@link BusAddresses#ROUTES_UPDATED}, each atomically. Order
 * keeps every route's cluster defined: clusters of the old and new tables, then the listener, then
 * the new table's clusters alone. Writes run one at a time on a worker thread.
 */
public class EnvoyConfigWriter extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EnvoyConfigWriter.class);

  private final Path dir;
  private final EnvoyResources.Site site;
  private final String app;
  private final int adminPort;
  private final int maxProgramSize;
  private volatile RouteTable current;

  /** {@code maxProgramSize}: Envoy's re2.max_program_size, and the routes left out over it. */
  public EnvoyConfigWriter(
      Path dir, EnvoyResources.Site site, String app, int adminPort, int maxProgramSize) {
    this.maxProgramSize = maxProgramSize;
    this.dir = dir;
    this.site = site;
    this.app = app;
    this.adminPort = adminPort;
    this.current = RouteTable.empty(app);
  }

  public Path bootstrap() {
    return dir.resolve("bootstrap.yaml");
  }

  @Override
  public Future<?> start() {
    vertx
        .eventBus()
        .<JsonObject>localConsumer(
            BusAddresses.ROUTES_UPDATED, m -> apply(RouteTable.fromJson(m.body())));
    String node = "intercept-sidecar-" + (app.isEmpty() ? "plain" : app);
    return vertx.executeBlocking(
        () -> {
          try {
            Files.createDirectories(dir);
            AtomicFile.replace(
                bootstrap(),
                Yaml.render(
                    EnvoyBootstrap.bootstrap(
                        node,
                        app.isEmpty() ? "plain" : app,
                        adminPort,
                        dir.toAbsolutePath().toString(),
                        maxProgramSize)));
          } catch (IOException e) {
            // e.g. the image's read-only root filesystem where no volume is mounted
            throw new IOException(
                "cannot write Envoy's config in "
                    + dir
                    + " (--envoy-config-dir: mount a volume shared with Envoy there): "
                    + e.getMessage(),
                e);
          }
          write(current, current);
          return null;
        });
  }

  private boolean compiles(Route r) {
    try {
      r.matchers().forEach(m -> Matcher.compile(m.regex(), maxProgramSize));
      return true;
    } catch (InvalidInputException e) {
      LOG.warn("route {} left out of Envoy's config: {}", r.name(), e.getMessage());
      return false;
    }
  }

  /**
   * Writes the files for a new table; completes once they are renamed into place. A route whose
   * regex does not compile is left out, alone: Envoy would refuse the whole listener for it. Runs
   * on a worker (ordered), so tables apply in the order they came.
   */
  public Future<Void> apply(RouteTable table) {
    return vertx
        .<Void>executeBlocking(
            () -> {
              RouteTable usable = table.keepOnly(this::compiles);
              RouteTable previous = current;
              current = usable;
              write(previous, usable);
              return null;
            })
        .onFailure(e -> LOG.error("cannot write Envoy config to {}: {}", dir, e.toString()));
  }

  private void write(RouteTable previous, RouteTable table) throws IOException {
    long version = table.version();
    boolean changed =
        AtomicFile.replace(
            dir.resolve("cds.yaml"),
            Yaml.render(EnvoyResources.cds(site, version, previous, table)));
    changed |=
        AtomicFile.replace(dir.resolve("lds.yaml"), Yaml.render(EnvoyResources.lds(site, table)));
    changed |=
        AtomicFile.replace(
            dir.resolve("cds.yaml"), Yaml.render(EnvoyResources.cds(site, version, table)));
    if (changed) {
      LOG.info(
          "Envoy config for {} version {} written to {} ({} routes + app)",
          table.app(),
          version,
          dir,
          table.routes().size());
    }
  }
}

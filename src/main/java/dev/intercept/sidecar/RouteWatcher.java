package dev.intercept.sidecar;

import dev.intercept.protocol.BusAddresses;
import dev.intercept.protocol.RouteTable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long-polls the proxy for the app's route table and publishes each new table on {@link
 * BusAddresses#ROUTES_UPDATED}. On failure it moves to the next proxy URL and retries with
 * exponential backoff and jitter; the data plane keeps its last table meanwhile.
 */
public class RouteWatcher extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RouteWatcher.class);
  private static final long MIN_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;

  private final SidecarSettings settings;
  private final List<URI> urls;
  private HttpClient client;
  private long version = -1;
  private int urlIndex;
  private long backoff = MIN_BACKOFF_MS;
  private boolean stopped;
  private boolean failing;
  private boolean connected;

  public RouteWatcher(SidecarSettings settings) {
    this.settings = settings;
    this.urls = settings.proxyUrls();
  }

  @Override
  public Future<?> start() {
    client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setConnectTimeout(settings.requestTimeoutSeconds() * 1000));
    poll();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return client.close();
  }

  private void poll() {
    if (stopped) {
      return;
    }
    URI base = urls.get(urlIndex);
    String path =
        (base.getPath() == null ? "" : base.getPath().replaceAll("/+$", ""))
            + "/api/v1/apps/"
            + settings.appName()
            + "/routes?since="
            + version
            + "&wait="
            + settings.pollWaitSeconds();
    RequestOptions opts =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost(base.getHost())
            .setPort(base.getPort() < 0 ? 80 : base.getPort())
            .setURI(path)
            .setIdleTimeout(
                (settings.pollWaitSeconds() + settings.requestTimeoutSeconds()) * 1000L);
    client
        .request(opts)
        .compose(req -> req.send())
        .compose(
            resp ->
                resp.body()
                    .map(
                        body -> {
                          if (resp.statusCode() != 200) {
                            throw new IllegalStateException(
                                "HTTP " + resp.statusCode() + " " + body.toString());
                          }
                          return new JsonObject(body);
                        }))
        .onSuccess(
            json -> {
              RouteTable table = RouteTable.fromJson(json);
              if (!connected) {
                connected = true;
                System.out.println(
                    "intercept sidecar: connected to the proxy at "
                        + base
                        + " ("
                        + table.routes().size()
                        + " intercepts of "
                        + table.app()
                        + ")");
              }
              if (failing) {
                LOG.info("route watcher reached the proxy at {} again", base);
                failing = false;
              }
              backoff = MIN_BACKOFF_MS;
              if (table.version() != version) {
                version = table.version();
                vertx.eventBus().publish(BusAddresses.ROUTES_UPDATED, table.toJson());
              }
              poll();
            })
        .onFailure(
            e -> {
              if (!failing) {
                LOG.warn(
                    "route watcher cannot reach the proxy at {}: {} (retrying with backoff)",
                    base,
                    e.getMessage());
                failing = true;
              }
              urlIndex = (urlIndex + 1) % urls.size();
              long delay = backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
              backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
              vertx.setTimer(delay, t -> poll());
            });
  }
}

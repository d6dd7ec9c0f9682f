package dev.intercept.it;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * An attacker (or a broken proxy) between the client and the proxy API that relays every call but
 * strips {@code hostKey} from the answers: what the client must refuse. Not one of our components:
 * a stand-in for whoever sits on the path.
 */
final class KeyStrippingRelay implements AutoCloseable {
  private final Vertx vertx;
  private final HttpServer server;

  private KeyStrippingRelay(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  static KeyStrippingRelay start(int apiPort) throws Exception {
    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.createHttpClient();
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                in ->
                    in.body()
                        .compose(
                            body ->
                                client
                                    .request(
                                        new RequestOptions()
                                            .setMethod(in.method())
                                            .setHost("127.0.0.1")
                                            .setPort(apiPort)
                                            .setURI(in.uri())
                                            .putHeader("Content-Type", "application/json")
                                            .putHeader(
                                                "Authorization",
                                                String.valueOf(in.getHeader("Authorization"))))
                                    .compose(req -> req.send(body)))
                        .compose(resp -> resp.body().map(b -> new Object[] {resp, b}))
                        .onSuccess(
                            r -> {
                              var resp = (HttpClientResponse) r[0];
                              String b = r[1].toString();
                              if (b.startsWith("{") && b.contains("\"hostKey\"")) {
                                JsonObject j = new JsonObject(b);
                                j.remove("hostKey");
                                b = j.encode();
                              }
                              in.response()
                                  .setStatusCode(resp.statusCode())
                                  .putHeader("content-type", "application/json")
                                  .end(b);
                            })
                        .onFailure(e -> in.response().setStatusCode(502).end(e.toString())))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    return new KeyStrippingRelay(vertx, server);
  }

  int port() {
    return server.actualPort();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}

package dev.intercept.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Registers intercepts on a proxy's API, as a client (or a user with curl) would. */
public final class ProxyApi {
  private ProxyApi() {}

  /** PUT an intercept with one matcher and the given OpenSSH public key; returns the 201 body. */
  public static JsonObject register(
      int apiPort, String app, String name, String header, String regex, String publicKey)
      throws IOException {
    // intercepts are for apps whose sidecar has polled: poll once, as the app's sidecar would
    Http.get(apiPort, "/api/v1/apps/" + app + "/routes?since=-1");
    String body =
        new JsonObject()
            .put(
                "matchers",
                new JsonArray().add(new JsonObject().put("header", header).put("regex", regex)))
            .put("publicKey", publicKey)
            .put("owner", "test-" + name)
            .encode();
    Http.Response r =
        Http.send(
            apiPort,
            "PUT",
            "/api/v1/apps/" + app + "/intercepts/" + name,
            body.getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/json");
    if (r.status() != 201) {
      throw new AssertionError(
          "registering " + app + "/" + name + ": " + r.status() + " " + r.body());
    }
    return new JsonObject(r.body());
  }

  /** The intercept as listed by the API (with its "tunnel"), or null. */
  public static JsonObject find(int apiPort, String app, String name) throws IOException {
    JsonArray all = new JsonArray(Http.get(apiPort, "/api/v1/apps/" + app + "/intercepts").body());
    for (Object o : all) {
      JsonObject i = (JsonObject) o;
      if (name.equals(i.getString("name"))) {
        return i;
      }
    }
    return null;
  }
}

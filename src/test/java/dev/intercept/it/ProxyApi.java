package dev.intercept.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Registers intercepts on a proxy's API, as a client (or a user with curl) would. */
public final class ProxyApi {
  private ProxyApi() {}

  /** As below, on a proxy with --auth=none. */
  public static JsonObject register(
      int apiPort, String app, String name, String header, String regex, String publicKey)
      throws IOException {
    return register(apiPort, null, null, app, name, header, regex, publicKey);
  }

  /**
   * PUT an intercept with one matcher and the given OpenSSH public key as the developer whose token
   * is given (null: none), after a poll as the sidecar; returns the 201 body.
   */
  public static JsonObject register(
      int apiPort,
      String developerToken,
      String sidecarToken,
      String app,
      String name,
      String header,
      String regex,
      String publicKey)
      throws IOException {
    // intercepts are for apps whose sidecar has polled: poll once, as the app's sidecar would
    Http.send(apiPort, "GET", "/api/v1/apps/" + app + "/routes?since=-1", null, auth(sidecarToken));
    String body =
        new JsonObject()
            .put(
                "matchers",
                new JsonArray().add(new JsonObject().put("header", header).put("regex", regex)))
            .put("publicKey", publicKey)
            .encode();
    Http.Response r =
        Http.send(
            apiPort,
            "PUT",
            "/api/v1/apps/" + app + "/intercepts/" + name,
            body.getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/json",
            auth(developerToken)[0],
            auth(developerToken)[1]);
    if (r.status() != 201) {
      throw new AssertionError(
          "registering " + app + "/" + name + ": " + r.status() + " " + r.body());
    }
    return new JsonObject(r.body());
  }

  /** An Authorization header for the token, or a harmless one when there is none. */
  static String[] auth(String token) {
    return token == null
        ? new String[] {"X-No-Token", "1"}
        : new String[] {"Authorization", "Bearer " + token};
  }

  /** The intercept as listed by the API (with its "tunnel"), or null; --auth=none. */
  public static JsonObject find(int apiPort, String app, String name) throws IOException {
    return find(apiPort, null, app, name);
  }

  /** The intercept as listed to the caller whose token is given (with its "tunnel"), or null. */
  public static JsonObject find(int apiPort, String token, String app, String name)
      throws IOException {
    JsonArray all =
        new JsonArray(
            Http.send(apiPort, "GET", "/api/v1/apps/" + app + "/intercepts", null, auth(token))
                .body());
    for (Object o : all) {
      JsonObject i = (JsonObject) o;
      if (name.equals(i.getString("name"))) {
        return i;
      }
    }
    return null;
  }
}

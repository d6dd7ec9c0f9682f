package dev.intercept.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;

/**
 * A real headless Chromium (Debian's package) showing one page, driven through the DevTools
 * protocol: evaluate JavaScript in the page, take a screenshot. For tests of the status page.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/chromium");

  private final RoleProcess process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();

  private HeadlessChromium(RoleProcess process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  static boolean installed() {
    return Files.isExecutable(BINARY);
  }

  static HeadlessChromium open(String url) throws Exception {
    Path profile = Files.createTempDirectory("chromium-profile");
    RoleProcess p =
        RoleProcess.command(
            "chromium",
            List.of(
                BINARY.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--window-size=1100,700",
                "--user-data-dir=" + profile,
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                url));
    Matcher m = p.awaitLogLine("DevTools listening on ws://127\\.0\\.0\\.1:(\\d+)/", 30_000);
    int port = Integer.parseInt(m.group(1));
    HttpClient http = HttpClient.newHttpClient();
    JsonArray targets =
        new JsonArray(
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    String ws =
        targets.stream()
            .map(JsonObject.class::cast)
            .filter(t -> t.getString("type").equals("page"))
            .findFirst()
            .orElseThrow()
            .getString("webSocketDebuggerUrl");
    HeadlessChromium[] self = new HeadlessChromium[1];
    StringBuilder partial = new StringBuilder();
    WebSocket socket =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create(ws),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                      JsonObject msg = new JsonObject(partial.toString());
                      partial.setLength(0);
                      CompletableFuture<JsonObject> f =
                          self[0].pending.remove(msg.getInteger("id"));
                      if (f != null) {
                        f.complete(msg);
                      }
                    }
                    w.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    self[0] = new HeadlessChromium(p, profile, socket);
    return self[0];
  }

  private JsonObject call(String method, JsonObject params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> f = new CompletableFuture<>();
    pending.put(id, f);
    socket
        .sendText(
            new JsonObject().put("id", id).put("method", method).put("params", params).encode(),
            true)
        .get(5, TimeUnit.SECONDS);
    JsonObject answer = f.get(10, TimeUnit.SECONDS);
    if (answer.containsKey("error")) {
      throw new IllegalStateException(method + ": " + answer.getJsonObject("error").encode());
    }
    return answer.getJsonObject("result");
  }

  /** The page's value of a JavaScript expression, as a string ("null" for null). */
  String evaluate(String expression) throws Exception {
    JsonObject r =
        call(
            "Runtime.evaluate",
            new JsonObject()
                .put("expression", "String(" + expression + ")")
                .put("returnByValue", true));
    return r.getJsonObject("result").getString("value");
  }

  /** True when the expression is true in the page now; false also when it cannot be evaluated. */
  boolean holds(String expression) {
    try {
      return evaluate("!!(" + expression + ")").equals("true");
    } catch (Exception e) {
      return false;
    }
  }

  /** A PNG of the page as it is now. */
  void screenshot(Path png) throws Exception {
    String data =
        call("Page.captureScreenshot", new JsonObject().put("format", "png")).getString("data");
    Files.createDirectories(png.getParent());
    Files.write(png, Base64.getDecoder().decode(data));
  }

  @Override
  public void close() {
    socket.abort();
    process.close();
    try (var files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary directory
    }
  }
}

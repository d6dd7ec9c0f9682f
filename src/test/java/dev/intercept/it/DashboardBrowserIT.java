package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.intercept.TestWait;
import io.vertx.core.json.JsonArray;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The status page in a real headless Chromium (Debian's package; .ci/run installs it), opened
 * through {@code intercept dashboard} against real processes (--auth=token-file): it goes live,
 * lists an intercept within a second of its registration and drops it within a second of the
 * client's Ctrl-C, as the page's own change log (browser clock, same machine) records. The
 * screenshot stays in target/ as an artifact.
 */
class DashboardBrowserIT {
  private final Roles started = new Roles();

  @AfterEach
  void stop() {
    started.close();
  }

  @Test
  void thePageListsAnInterceptWithinASecondOfItsRegistrationAndDropsItWithinASecondOfCtrlC()
      throws Exception {
    assumeTrue(HeadlessChromium.installed(), "chromium is not installed (.ci/run installs it)");
    SeedSetup seed = SeedSetup.start(started, 4);
    String proxy = "http://127.0.0.1:" + seed.api();
    RoleProcess dashboard =
        started.start(
            "dashboard",
            Map.of("INTERCEPT_TOKEN", seed.tokens().of("alice")),
            "--role=client",
            "dashboard",
            "--proxy-url",
            proxy);
    String url = dashboard.awaitLine("^T: Status page: (http://\\S+)", 30_000).group(1);
    URI page = URI.create(url);
    // only the page's secret path, and only with this machine's host name
    assertEquals(404, Http.get(page.getPort(), "/api/v1/events").status());
    assertEquals(
        404,
        Http.get(page.getPort(), page.getPath(), "Host", "evil.example:" + page.getPort())
            .status());

    try (HeadlessChromium browser = HeadlessChromium.open(url)) {
      TestWait.until(
          () -> browser.holds("document.getElementById('state').className == 'live'"),
          15_000,
          "the page's feed to go live");
      assertEquals("true", browser.evaluate("!!document.querySelector('[data-app=\"myapp\"]')"));

      RoleProcess alice = seed.intercept(started, "alice", "test", ".*ark3.*");
      alice.awaitLine("^T: Intercept is running", 30_000);
      long createdAt =
          new JsonArray(
                  Http.send(seed.api(), "GET", "/api/v1/intercepts", null, seed.auth("alice"))
                      .body())
              .getJsonObject(0)
              .getLong("createdAt");
      String added = "document.querySelector('#log li[data-what=\"+ myapp/test\"]')";
      TestWait.until(() -> browser.holds(added), 5_000, "the intercept on the page");
      long shownAt = Long.parseLong(browser.evaluate(added + ".dataset.at"));
      assertTrue(shownAt - createdAt <= 1_000, "listed " + (shownAt - createdAt) + " ms after");
      assertEquals(
          "true",
          browser.evaluate(
              "document.querySelector('[data-intercept=\"myapp/test\"]').textContent.includes('alice')"));
      TestWait.until(
          () -> browser.holds("document.querySelector('[data-intercept=\"myapp/test\"] .up')"),
          5_000,
          "the page to show the tunnel up");
      browser.screenshot(Path.of("target", "dashboard-browser.png"));

      long stoppedAt = System.currentTimeMillis();
      alice.signal("INT");
      String removed = "document.querySelector('#log li[data-what=\"- myapp/test\"]')";
      TestWait.until(() -> browser.holds(removed), 5_000, "the intercept gone");
      long goneAt = Long.parseLong(browser.evaluate(removed + ".dataset.at"));
      assertTrue(goneAt - stoppedAt <= 1_000, "dropped " + (goneAt - stoppedAt) + " ms after");
      assertEquals("false", browser.evaluate("!!document.querySelector('[data-intercept]')"));
      assertEquals(0, alice.awaitExit(15_000));
    }
  }
}

package dev.intercept.it;

import java.util.List;
import java.util.Map;

/**
 * The image of this checkout's jar (the project's Dockerfile, by {@code scripts/image.sh} as {@code
 * make image} runs it) on a JRE base made here from Debian's packages ({@code
 * scripts/local-base.sh}, kept between runs): no container registry is reachable from these
 * machines, so the pinned Temurin base cannot be pulled. Built once per test JVM.
 */
public final class LocalBaseImage {
  /** The tag the tests build: not make image's, so a developer's image is left alone. */
  public static final String IMAGE = "localhost/intercept:it-local-base";

  private static String built;
  private static long buildMs;

  private LocalBaseImage() {}

  /** The image's name, built if this JVM has not yet; skips the test where podman cannot run. */
  public static synchronized String get() {
    Podman.assumeRunnable(null);
    if (built == null) {
      List<String> baseCmd = List.of(Podman.root().resolve("scripts/local-base.sh").toString());
      String base = Podman.exec(baseCmd, Map.of(), 15 * 60_000).check(baseCmd);
      base = base.lines().reduce((a, b) -> b).orElseThrow();
      Podman.assumeRunnable(base);
      long t0 = System.nanoTime();
      List<String> imageCmd = List.of(Podman.root().resolve("scripts/image.sh").toString());
      Podman.exec(imageCmd, Map.of("BASE", base, "IMAGE", IMAGE), 10 * 60_000).check(imageCmd);
      buildMs = (System.nanoTime() - t0) / 1_000_000;
      System.err.println(
          "LocalBaseImage: built " + IMAGE + " on " + base + " in " + buildMs + " ms");
      built = IMAGE;
    }
    return built;
  }

  /** How long this JVM's image build took (the AppCDS training run included). */
  public static synchronized long buildMs() {
    return buildMs;
  }
}

package dev.intercept.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real RE2, the library Envoy compiles safe_regex with: src/test/cpp/re2size.cc built with g++
 * against Debian's libre2-dev, fed one pattern a line. Missing tools fail the test, never skip it.
 */
final class Re2Oracle {
  /** RE2's answer for one pattern: its program size, or -1 and its error. */
  record Answer(int size, String error) {
    boolean accepted() {
      return size >= 0;
    }

    /** RE2's refusals of a repetition: a count past its limits, or a repeated repetition. */
    boolean refusedRepetition() {
      return error.startsWith("invalid repetition size")
          || error.startsWith("bad repetition operator");
    }
  }

  private static final Path SOURCE = Path.of("src/test/cpp/re2size.cc");
  private static final Path BINARY = Path.of("target/re2size");

  private Re2Oracle() {}

  static void build() throws IOException, InterruptedException {
    if (!Files.exists(Path.of("/usr/include/re2/re2.h"))) {
      fail(
          "RE2's headers are missing: this test needs Debian's libre2-dev (apt-get install libre2-dev g++)");
    }
    Process gpp;
    try {
      gpp =
          new ProcessBuilder("g++", "-O1", "-o", BINARY.toString(), SOURCE.toString(), "-lre2")
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new AssertionError(
          "g++ is missing: this test needs it (apt-get install g++ libre2-dev)", e);
    }
    String output = new String(gpp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(gpp.waitFor(120, TimeUnit.SECONDS), "g++ did not finish in 2 minutes");
    assertEquals(0, gpp.exitValue(), "g++ could not build the RE2 oracle:\n" + output);
  }

  static List<Answer> ask(List<String> patterns) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(BINARY.toString()).redirectErrorStream(true).start();
    Thread writer =
        new Thread(
            () -> {
              try (var in = p.getOutputStream()) {
                in.write((String.join("\n", patterns) + "\n").getBytes(StandardCharsets.UTF_8));
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    writer.start();
    List<String> lines =
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    writer.join();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the RE2 oracle did not finish");
    assertEquals(
        patterns.size(), lines.size(), "one answer a pattern:\n" + String.join("\n", lines));
    List<Answer> answers = new ArrayList<>();
    for (String line : lines) {
      int space = line.indexOf(' ');
      answers.add(
          space < 0
              ? new Answer(Integer.parseInt(line), "")
              : new Answer(Integer.parseInt(line.substring(0, space)), line.substring(space + 1)));
    }
    return answers;
  }
}

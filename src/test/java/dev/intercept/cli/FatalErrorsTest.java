package dev.intercept.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which errors end a role's process, and that they do, in a real JVM ({@link FatalErrorsProbe})
 * from a dying thread, a Vert.x handler and a periodic task.
 */
class FatalErrorsTest {
  @Test
  void virtualMachineErrorsAreFatalWhereverTheyAreWrapped() {
    assertTrue(FatalErrors.isFatal(new OutOfMemoryError("Java heap space")));
    assertTrue(FatalErrors.isFatal(new StackOverflowError()));
    assertTrue(FatalErrors.isFatal(new InternalError("jvm")));
    assertTrue(FatalErrors.isFatal(new CompletionException(new OutOfMemoryError("Metaspace"))));
    assertTrue(
        FatalErrors.isFatal(
            new ExecutionException(new RuntimeException(new StackOverflowError()))));
  }

  @Test
  void otherThrowablesAreNot() {
    assertFalse(FatalErrors.isFatal(new IllegalStateException("a bug")));
    assertFalse(FatalErrors.isFatal(new UncheckedIOException(new IOException("disk"))));
    assertFalse(FatalErrors.isFatal(new AssertionError("a failed assert")));
    assertFalse(FatalErrors.isFatal(new NoClassDefFoundError("a missing class")));
    RuntimeException loop = new RuntimeException("cause of itself, twice removed");
    RuntimeException other = new RuntimeException(loop);
    loop.initCause(other);
    assertFalse(FatalErrors.isFatal(loop), "a cause cycle ends");
  }

  @Test
  void anOutOfMemoryErrorInAThreadHaltsWithThreeAndOneLine() throws Exception {
    Result r = probe("thread");
    assertEquals(FatalErrors.EXIT_CODE, r.code, r.toString());
    assertEquals(
        List.of(
            "intercept: java.lang.OutOfMemoryError: Java heap space (probe) in thread probe:"
                + " exiting (3) so that the process is restarted"),
        r.stderr);
  }

  @Test
  void aStackOverflowInAVertxHandlerHalts() throws Exception {
    Result r = probe("vertx");
    assertEquals(FatalErrors.EXIT_CODE, r.code, r.toString());
    assertTrue(r.stderr.get(r.stderr.size() - 1).contains("StackOverflowError"), r.toString());
  }

  @Test
  void anOutOfMemoryErrorInAPeriodicTaskHalts() throws Exception {
    Result r = probe("periodic");
    assertEquals(FatalErrors.EXIT_CODE, r.code, r.toString());
    assertTrue(
        r.stderr.get(r.stderr.size() - 1).contains("in thread probe-sweeper: exiting (3)"),
        r.toString());
  }

  @Test
  void otherExceptionsLeaveTheProcessRunning() throws Exception {
    Result r = probe("survivable");
    assertEquals(0, r.code, r.toString());
    assertEquals(List.of("alive"), r.stdout);
  }

  record Result(int code, List<String> stdout, List<String> stderr) {}

  static Result probe(String mode) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                FatalErrorsProbe.class.getName(),
                mode)
            .start();
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the probe did not exit");
    }
    return new Result(
        p.exitValue(),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList(),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)
            .lines()
            .filter(l -> !l.isBlank())
            .toList());
  }
}

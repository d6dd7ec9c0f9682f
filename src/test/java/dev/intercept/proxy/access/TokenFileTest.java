package dev.intercept.proxy.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.ProxyFixture;
import dev.intercept.TestWait;
import dev.intercept.config.ConfigException;
import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.Identity;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kube-apiserver's static token format, read at start and again when the file changes. */
class TokenFileTest {

  @Test
  void linesAreTokenUserUidAndQuotedGroups() {
    var tokens =
        TokenFile.parse(
            "# a comment\n\nt1,alice,u1\nt2,bob,u2,\"devs,intercept:admins\"\n\"t,3\",carol,u3,ops\n");
    assertEquals(new Identity("alice", "u1", Set.of()), tokens.get(Bearer.digest("t1")));
    assertEquals(Set.of("devs", Identity.ADMINS), tokens.get(Bearer.digest("t2")).groups());
    assertEquals("carol", tokens.get(Bearer.digest("t,3")).user());
    assertEquals(3, tokens.size(), "kept as digests only");
    for (String bad : new String[] {"t1,alice\n", "t1,alice,u1\nt1,bob,u2\n", "t1,\"alice,u1\n"}) {
      assertThrows(IllegalArgumentException.class, () -> TokenFile.parse(bad), bad);
    }
  }

  @Test
  void aChangedFileIsReReadAndABrokenOneLeavesTheTokensAsTheyWere(@TempDir Path dir)
      throws Exception {
    Path file = Files.writeString(dir.resolve("tokens.csv"), "old,alice,u1\n");
    Vertx vertx = Vertx.vertx();
    try {
      TokenFile tokens = TokenFile.watch(vertx, file);
      assertEquals("alice", ProxyFixture.await(tokens.authenticate("old")).user());
      Files.writeString(file, "new,alice,u1\n");
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
      TestWait.until(() -> accepts(tokens, "new"), 5_000, "the new token");
      assertInstanceOf(ApiFailure.Unauthenticated.class, failure(tokens, "old"), "old revoked");
      Files.writeString(file, "broken\n");
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
      Thread.sleep(2_500); // two checks of the file: behaviour under test, not synchronisation
      assertTrue(accepts(tokens, "new"), "a broken file is refused; the tokens stay");
    } finally {
      ProxyFixture.await(vertx.close());
    }
    Files.writeString(file, "x\n");
    Vertx other = Vertx.vertx();
    try {
      assertTrue(
          assertThrows(ConfigException.class, () -> TokenFile.watch(other, file))
              .getMessage()
              .contains("line 1 is not token,user,uid"));
    } finally {
      ProxyFixture.await(other.close());
    }
  }

  static boolean accepts(TokenFile tokens, String token) {
    try {
      ProxyFixture.await(tokens.authenticate(token));
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  static ApiFailure failure(TokenFile tokens, String token) {
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> ProxyFixture.await(tokens.authenticate(token)));
    return assertInstanceOf(ApiFailure.class, e.getCause());
  }
}

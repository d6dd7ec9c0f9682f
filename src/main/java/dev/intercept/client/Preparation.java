package dev.intercept.client;

import dev.intercept.tunnel.TunnelKeys;
import dev.intercept.tunnel.TunnelSshClient;
import java.security.KeyPair;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.client.SshClient;

/**
 * Key generation and the SSH client's start-up, run while the rest of the client starts (class
 * loading makes them slow). With --ssh-key there is no tunnel of ours and nothing to prepare.
 */
public record Preparation(CompletableFuture<KeyPair> keys, CompletableFuture<SshClient> sshClient) {

  public static Preparation start(boolean ownTunnel) {
    if (!ownTunnel) {
      return new Preparation(
          CompletableFuture.completedFuture(null), CompletableFuture.completedFuture(null));
    }
    return new Preparation(
        CompletableFuture.supplyAsync(TunnelKeys::generate),
        CompletableFuture.supplyAsync(TunnelSshClient::start));
  }

  /** Stops the SSH client if one was started and no tunnel took it over. */
  public void release() {
    sshClient.thenAccept(
        c -> {
          if (c != null) {
            c.stop();
          }
        });
  }
}

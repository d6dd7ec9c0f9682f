package dev.intercept.tunnel;

import java.util.function.Supplier;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.AttributeRepository;

/**
 * Watches the bytes of one forwarded connection as they pass, without changing them (the client's
 * per-request T: lines). Called on the tunnel's threads, each side in order.
 */
public interface ConnectionTap {
  /** Where a client's taps come from: an attribute of its SshClient ({@link #install}). */
  AttributeRepository.AttributeKey<Supplier<ConnectionTap>> FACTORY =
      new AttributeRepository.AttributeKey<>();

  /** Bytes from the cluster, on their way to the local server. */
  void fromCluster(byte[] b, int off, int len);

  /** Bytes from the local server, on their way back. */
  void fromLocal(byte[] b, int off, int len);

  /** The connection ended. */
  void closed();

  /** Every forwarded connection of {@code client} from now on gets a tap from {@code taps}. */
  static void install(SshClient client, Supplier<ConnectionTap> taps) {
    client.setAttribute(FACTORY, taps);
  }
}

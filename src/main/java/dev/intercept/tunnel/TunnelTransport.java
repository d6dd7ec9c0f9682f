package dev.intercept.tunnel;

import dev.intercept.tunnel.netty.NettyIoFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.helpers.AbstractFactoryManager;
import org.apache.sshd.core.CoreModuleProperties;

/** Transport settings both ends of a tunnel share; each one measured (docs/benchmarks.md). */
final class TunnelTransport {
  private TunnelTransport() {}

  /**
   * {@code loops}: the Netty event loops of the SSH transport ({@link NettyIoFactory}); the
   * client's one tunnel needs one, the proxy one per core.
   */
  static void apply(AbstractFactoryManager m, int loops) {
    m.setIoServiceFactoryFactory(NettyIoFactory.loops(loops));
    m.setCipherFactories(preferredCiphers());
    // without it every small request stalls 30-40 ms on Nagle + delayed ACK
    CoreModuleProperties.TCP_NODELAY.set(m, true);
  }

  /** AES-GCM first: AES-NI makes it the fastest in the JDK; SSHD's chacha20 is ~4x slower. */
  static List<NamedFactory<Cipher>> preferredCiphers() {
    List<NamedFactory<Cipher>> c = new ArrayList<>();
    for (BuiltinCiphers b :
        List.of(
            BuiltinCiphers.aes128gcm,
            BuiltinCiphers.aes256gcm,
            BuiltinCiphers.aes128ctr,
            BuiltinCiphers.aes192ctr,
            BuiltinCiphers.aes256ctr,
            BuiltinCiphers.cc20p1305_openssh)) {
      if (b.isSupported()) {
        c.add(b);
      }
    }
    return c;
  }
}

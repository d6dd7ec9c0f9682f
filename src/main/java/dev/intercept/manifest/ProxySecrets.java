package dev.intercept.manifest;

import dev.intercept.tunnel.TunnelKeys;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code install --with-secrets}: fresh values for the Secrets the Deployment refers to — the SSH
 * host key (clients pin it), and when clustered the cluster name and the event-bus keystore with
 * its password. Made here, printed once, never stored: create them once ({@code kubectl create}),
 * since applying new ones replaces the host key that clients pinned.
 */
final class ProxySecrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private ProxySecrets() {}

  static List<ProxyManifests.Doc> of(InstallOptions o) {
    List<ProxyManifests.Doc> docs = new ArrayList<>();
    docs.add(
        new ProxyManifests.Doc(
            "SECRET: the SSH host key every replica presents (clients pin it). Create once:"
                + " do not commit, do not re-apply (a new key makes clients refuse the proxy).",
            new SecretBuilder()
                .withMetadata(ProxyManifests.meta(o, ProxyNames.HOST_KEY_SECRET))
                .withType("Opaque")
                .addToStringData(
                    ProxyDeployment.HOST_KEY_FILE,
                    TunnelKeys.privateKeyText(TunnelKeys.generate(), "intercept proxy host key"))
                .build()));
    if (o.clustered()) {
      char[] password = random(24).toCharArray();
      byte[] keystore = EventBusKeystore.create(TunnelKeys.generate(), password, Instant.now());
      docs.add(
          new ProxyManifests.Doc(
              "SECRET: only replicas that know the cluster name join; the event bus between them"
                  + " is mutual TLS with this key. Create once, do not commit.",
              new SecretBuilder()
                  .withMetadata(ProxyManifests.meta(o, ProxyNames.CLUSTER_SECRET))
                  .withType("Opaque")
                  .addToStringData(ProxyDeployment.CLUSTER_NAME_KEY, "intercept-" + random(16))
                  .addToStringData(ProxyDeployment.PASSWORD_KEY, new String(password))
                  .addToData(
                      ProxyDeployment.KEYSTORE_FILE, Base64.getEncoder().encodeToString(keystore))
                  .build()));
    }
    return docs;
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}

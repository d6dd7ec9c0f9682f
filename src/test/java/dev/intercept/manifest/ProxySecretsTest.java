package dev.intercept.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intercept.OnContext;
import dev.intercept.ProxyFixture;
import dev.intercept.config.ConfigKey;
import dev.intercept.tunnel.TunnelKeys;
import io.fabric8.kubernetes.api.model.Secret;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PfxOptions;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Secrets install makes work where they go: a real proxy serves SSH with the host key, and two
 * endpoints configured as the replicas' event bus is (PKCS12 key and trust, client auth required)
 * shake hands over TLS with the keystore, and refuse a peer with another one.
 */
class ProxySecretsTest {
  /** The Secret's values, as the pod sees them (data decoded). */
  private static Map<String, byte[]> secret(InstallOptions o, String name) {
    Secret s =
        StrictManifests.only(
            StrictManifests.parse(ManifestWriter.yaml(List.of(), ProxyManifests.of(o))),
            Secret.class,
            name);
    Map<String, byte[]> out = new HashMap<>();
    s.getStringData().forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
    if (s.getData() != null) {
      s.getData().forEach((k, v) -> out.put(k, Base64.getDecoder().decode(v)));
    }
    return out;
  }

  private static InstallOptions clustered() {
    return new InstallOptions("intercept", 3, "i:1", List.of(), InstallOptions.Secrets.ONLY);
  }

  @Test
  void aRealProxyPresentsTheHostKeyOfTheSecret(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("host-key.pem");
    Files.write(file, secret(clustered(), ProxyNames.HOST_KEY_SECRET).get("host-key.pem"));
    try (ProxyFixture proxy = ProxyFixture.start(Map.of(ConfigKey.HOST_KEY_FILE, file.toString()));
        SshClient ssh = SshClient.setUpDefaultClient()) {
      AtomicReference<PublicKey> seen = new AtomicReference<>();
      ssh.setServerKeyVerifier(
          (session, address, key) -> {
            seen.set(key);
            return true;
          });
      ssh.start();
      try (ClientSession session =
          ssh.connect("nobody", "127.0.0.1", proxy.sshPort())
              .verify(10, TimeUnit.SECONDS)
              .getSession()) {
        session.addPasswordIdentity("wrong");
        assertThrows(Exception.class, () -> session.auth().verify(10, TimeUnit.SECONDS));
      }
      assertTrue(seen.get() != null, "the SSH key exchange ran");
      PublicKey fromFile;
      try (InputStream in = Files.newInputStream(file)) {
        fromFile =
            SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName("f"), in, null)
                .iterator()
                .next()
                .getPublic();
      }
      assertTrue(TunnelKeys.same(fromFile, seen.get()));
    }
  }

  @Test
  void theEventBusKeystoreMakesMutualTlsAndRefusesAnotherOne() throws Exception {
    Map<String, byte[]> s = secret(clustered(), ProxyNames.CLUSTER_SECRET);
    Map<String, byte[]> other = secret(clustered(), ProxyNames.CLUSTER_SECRET);
    Vertx vertx = Vertx.vertx();
    try {
      OnContext on = new OnContext(vertx);
      PfxOptions pfx = pfx(s);
      NetServer server =
          on.await(
              () ->
                  vertx
                      .createNetServer(
                          new NetServerOptions()
                              .setHost("127.0.0.1")
                              .setPort(0)
                              .setSsl(true)
                              .setKeyCertOptions(pfx)
                              .setTrustOptions(pfx)
                              .setClientAuth(ClientAuth.REQUIRED))
                      .connectHandler(sock -> sock.handler(sock::write))
                      .listen());
      assertEquals("ping", echo(on, vertx, server.actualPort(), pfx, pfx));
      // a peer with another keystore does not trust the replica, nor the replica it
      assertThrows(
          Exception.class, () -> echo(on, vertx, server.actualPort(), pfx(other), pfx(other)));
      assertThrows(Exception.class, () -> echo(on, vertx, server.actualPort(), pfx(other), pfx));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static PfxOptions pfx(Map<String, byte[]> s) {
    return new PfxOptions()
        .setValue(Buffer.buffer(s.get("eventbus.p12")))
        .setPassword(new String(s.get("eventbus-password"), StandardCharsets.UTF_8));
  }

  /** Connects with this key and trust, sends ping, returns the echo. */
  private static String echo(OnContext on, Vertx vertx, int port, PfxOptions key, PfxOptions trust)
      throws Exception {
    NetClient client =
        vertx.createNetClient(
            new NetClientOptions()
                .setSsl(true)
                .setHostnameVerificationAlgorithm("")
                .setKeyCertOptions(key)
                .setTrustOptions(trust)
                .setConnectTimeout(5000));
    CompletableFuture<String> answer = new CompletableFuture<>();
    NetSocket sock = on.await(() -> client.connect(port, "127.0.0.1"));
    sock.handler(b -> answer.complete(b.toString()));
    sock.closeHandler(v -> answer.completeExceptionally(new IllegalStateException("closed")));
    on.await(() -> sock.write("ping"));
    try {
      return answer.get(5, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }

  @Test
  void theCertificateIsWhatKeytoolWouldMake() throws Exception {
    char[] password = "pw".toCharArray();
    var key = TunnelKeys.generate();
    Instant now = Instant.parse("2049-06-01T00:00:00Z");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(new ByteArrayInputStream(EventBusKeystore.create(key, password, now)), password);
    X509Certificate cert = (X509Certificate) ks.getCertificate(EventBusKeystore.ALIAS);
    assertEquals("CN=intercept-proxy", cert.getSubjectX500Principal().getName());
    assertEquals(cert.getSubjectX500Principal(), cert.getIssuerX500Principal());
    assertEquals("SHA256withECDSA", cert.getSigAlgName());
    assertEquals(3, cert.getVersion());
    cert.verify(key.getPublic());
    assertEquals(key.getPublic(), cert.getPublicKey());
    // past 2049: the end date is a GeneralizedTime, read back to the second
    assertEquals(now.plus(EventBusKeystore.VALIDITY), cert.getNotAfter().toInstant());
    assertEquals(now.minus(Duration.ofMinutes(5)), cert.getNotBefore().toInstant());
    assertTrue(ks.getKey(EventBusKeystore.ALIAS, password) != null);
  }
}

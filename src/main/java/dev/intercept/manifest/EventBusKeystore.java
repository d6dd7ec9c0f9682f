package dev.intercept.manifest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The replicas' event-bus key and certificate as a PKCS12 keystore, what {@code keytool -genkeypair
 * -keyalg EC -groupname secp256r1 -storetype PKCS12} makes: an EC P-256 key and a self-signed X.509
 * certificate for it. The JDK has no public API that makes a certificate, so this writes the few
 * DER structures one needs and lets the JDK parse and check the result.
 */
final class EventBusKeystore {
  static final String ALIAS = "eventbus";
  static final Duration VALIDITY = Duration.ofDays(3650);
  private static final String ECDSA_SHA256 = "1.2.840.10045.4.3.2";
  private static final String COMMON_NAME = "2.5.4.3";

  private EventBusKeystore() {}

  static byte[] create(KeyPair key, char[] password, Instant now) {
    try {
      byte[] name = seq(set(seq(oid(COMMON_NAME), utf8("intercept-proxy"))));
      byte[] algorithm = seq(oid(ECDSA_SHA256));
      byte[] tbs =
          seq(
              tlv(0xa0, integer(BigInteger.valueOf(2))), // v3
              integer(new BigInteger(63, new SecureRandom()).add(BigInteger.ONE)),
              algorithm,
              name,
              seq(time(now.minus(Duration.ofMinutes(5))), time(now.plus(VALIDITY))),
              name,
              key.getPublic().getEncoded());
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(key.getPrivate());
      signer.update(tbs);
      byte[] der = seq(tbs, algorithm, bitString(signer.sign()));
      Certificate cert =
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
      cert.verify(key.getPublic());
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry(ALIAS, key.getPrivate(), password, new Certificate[] {cert});
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ks.store(out, password);
      return out.toByteArray();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot make the event-bus keystore: " + e.getMessage(), e);
    }
  }

  private static byte[] tlv(int tag, byte[]... parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      body.writeBytes(p);
    }
    int n = body.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(n >>> (8 * i));
      }
    }
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static byte[] seq(byte[]... parts) {
    return tlv(0x30, parts);
  }

  private static byte[] set(byte[]... parts) {
    return tlv(0x31, parts);
  }

  private static byte[] integer(BigInteger v) {
    return tlv(0x02, v.toByteArray());
  }

  private static byte[] utf8(String s) {
    return tlv(0x0c, s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bitString(byte[] bits) {
    return tlv(0x03, new byte[] {0}, bits);
  }

  /** UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280). */
  private static byte[] time(Instant t) {
    var utc = t.atOffset(ZoneOffset.UTC);
    boolean utcTime = utc.getYear() < 2050;
    String s =
        utc.format(DateTimeFormatter.ofPattern(utcTime ? "yyMMddHHmmss'Z'" : "yyyyMMddHHmmss'Z'"));
    return tlv(utcTime ? 0x17 : 0x18, s.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] oid(String dotted) {
    String[] parts = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(parts[0]) * 40 + Integer.parseInt(parts[1]));
    for (int i = 2; i < parts.length; i++) {
      long v = Long.parseLong(parts[i]);
      int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 6) / 7);
      for (int g = groups - 1; g >= 0; g--) {
        out.write((int) ((v >>> (7 * g)) & 0x7f) | (g > 0 ? 0x80 : 0));
      }
    }
    return tlv(0x06, out.toByteArray());
  }
}

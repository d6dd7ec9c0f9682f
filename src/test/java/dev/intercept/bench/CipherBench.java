package dev.intercept.bench;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What one core of this JDK encrypts and decrypts with AES-128-GCM in SSH-sized packets, the way
 * Apache SSHD's GCM cipher uses the JDK (a fresh IV per packet: init, the 4-byte length as
 * additional data, then the payload and its tag), for the tunnel's ceiling (docs/benchmarks.md,
 * "SSH tunnel"). Compare with OpenSSL on the same machine: {@code openssl speed -evp aes-128-gcm
 * -bytes 32768 -seconds 3}.
 *
 * <pre>
 *   java -cp target/test-classes dev.intercept.bench.CipherBench [PACKET_BYTES] [SECONDS] [ROUNDS]
 * </pre>
 */
public final class CipherBench {
  private CipherBench() {}

  public static void main(String[] args) throws Exception {
    int packet = args.length > 0 ? Integer.parseInt(args[0]) : 32 * 1024;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    byte[] key = new byte[16];
    new SecureRandom().nextBytes(key);
    SecretKeySpec spec = new SecretKeySpec(key, "AES");
    byte[] iv = new byte[12];
    byte[] plain = new byte[packet];
    new SecureRandom().nextBytes(plain);
    byte[] aad = ByteBuffer.allocate(4).putInt(packet).array();
    Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
    Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
    byte[] sealed = new byte[packet + 16];
    byte[] opened = new byte[packet + 16];
    // warm-up: C2 compiles the intrinsics' callers
    run(enc, dec, spec, iv, aad, plain, sealed, opened, 2, true);
    run(enc, dec, spec, iv, aad, plain, sealed, opened, 2, false);
    List<Double> e = new ArrayList<>();
    List<Double> d = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      e.add(run(enc, dec, spec, iv, aad, plain, sealed, opened, seconds, true));
      d.add(run(enc, dec, spec, iv, aad, plain, sealed, opened, seconds, false));
    }
    System.out.printf(
        "AES-128-GCM, %d-byte packets, %s %s: encrypt %.0f MB/s, decrypt %.0f MB/s (median of %d"
            + " rounds of %.0f s; encrypt %s, decrypt %s)%n",
        packet,
        System.getProperty("java.vm.name"),
        System.getProperty("java.vm.version"),
        median(e),
        median(d),
        rounds,
        seconds,
        e,
        d);
  }

  private static double run(
      Cipher enc,
      Cipher dec,
      SecretKeySpec key,
      byte[] iv,
      byte[] aad,
      byte[] plain,
      byte[] sealed,
      byte[] opened,
      double seconds,
      boolean encrypt)
      throws Exception {
    // for decryption: 64 packets sealed beforehand, each with its own IV, opened in turn
    byte[][] ivs = new byte[64][];
    byte[][] packets = new byte[64][];
    if (!encrypt) {
      for (int i = 0; i < 64; i++) {
        ivs[i] = iv.clone();
        ByteBuffer.wrap(ivs[i], 4, 8).putLong(i);
        enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, ivs[i]));
        enc.updateAAD(aad);
        packets[i] = enc.doFinal(plain);
      }
    }
    long bytes = 0;
    long counter = 1_000;
    long t0 = System.nanoTime();
    long stop = t0 + (long) (seconds * 1e9);
    while (System.nanoTime() < stop) {
      for (int i = 0; i < 64; i++) {
        if (encrypt) {
          ByteBuffer.wrap(iv, 4, 8).putLong(++counter);
          enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
          enc.updateAAD(aad);
          enc.doFinal(plain, 0, plain.length, sealed, 0);
        } else {
          dec.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, ivs[i]));
          dec.updateAAD(aad);
          dec.doFinal(packets[i], 0, packets[i].length, opened, 0);
        }
        bytes += plain.length;
      }
    }
    return bytes / ((System.nanoTime() - t0) / 1e9) / 1e6;
  }

  private static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }
}

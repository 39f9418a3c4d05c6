package io.shroud.bench;

import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The JDK primitives a downloaded byte passes through, one 4 KiB buffer at a time as cells and
 * records carry it, in ns per byte on one warm core (data in cache, no contention): the figures
 * the per-byte floor in docs/benchmarks.md is priced with. AES-CTR (onion layers, content
 * encryption), HMAC-SHA-256 (cell tags), SHA-256 (block and output hashes), AES-GCM with a fresh
 * nonce per 4 KiB (link records) and, for comparison, GMAC (GCM over AAD only) and a plain copy.
 * Usage: {@code java CellCryptoRatesBench [ROUNDS]}; the last round is the steady one.
 */
public final class CellCryptoRatesBench {
  private CellCryptoRatesBench() {}

  private static final int N = 60_000;
  private static final int SIZE = 4096;

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    byte[] buf = new byte[SIZE];
    byte[] out = new byte[SIZE + 16];
    SecretKeySpec aes = new SecretKeySpec(key, "AES");
    Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
    ctr.init(Cipher.ENCRYPT_MODE, aes, new IvParameterSpec(new byte[16]));
    Mac hmac = Mac.getInstance("HmacSHA256");
    hmac.init(new SecretKeySpec(key, "HmacSHA256"));
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    byte[] nonce = new byte[12];
    long counter = 0;
    for (int round = 1; round <= rounds; round++) {
      System.out.println("round " + round + " (" + System.getProperty("java.version") + ")");
      long t = System.nanoTime();
      for (int i = 0; i < N; i++) {
        ctr.update(buf, 0, SIZE, out, 0);
      }
      report("AES-256-CTR", t);
      t = System.nanoTime();
      for (int i = 0; i < N; i++) {
        hmac.update(buf);
        hmac.doFinal(out, 0);
      }
      report("HMAC-SHA-256", t);
      t = System.nanoTime();
      for (int i = 0; i < N; i++) {
        sha.update(buf);
        sha.digest(out, 0, 32);
      }
      report("SHA-256", t);
      t = System.nanoTime();
      for (int i = 0; i < N; i++) {
        setCounter(nonce, ++counter);
        gcm.init(Cipher.ENCRYPT_MODE, aes, new GCMParameterSpec(128, nonce));
        gcm.doFinal(buf, 0, SIZE, out, 0);
      }
      report("AES-256-GCM seal", t);
      t = System.nanoTime();
      for (int i = 0; i < N; i++) {
        setCounter(nonce, ++counter);
        gcm.init(Cipher.ENCRYPT_MODE, aes, new GCMParameterSpec(128, nonce));
        gcm.updateAAD(buf, 0, SIZE);
        gcm.doFinal(out, 0);
      }
      report("GMAC (GCM, AAD only)", t);
      t = System.nanoTime();
      for (int i = 0; i < N; i++) {
        System.arraycopy(buf, 0, out, 0, SIZE);
      }
      report("copy (System.arraycopy)", t);
    }
  }

  private static void setCounter(byte[] nonce, long c) {
    for (int i = 0; i < 8; i++) {
      nonce[11 - i] = (byte) (c >>> (8 * i));
    }
  }

  private static void report(String what, long start) {
    double nsPerByte = (System.nanoTime() - start) / (double) N / SIZE;
    System.out.printf("  %-24s %6.3f ns/B  %6.0f MB/s%n", what, nsPerByte, 1000 / nsPerByte);
  }
}

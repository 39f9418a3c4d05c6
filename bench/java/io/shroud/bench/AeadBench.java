package io.shroud.bench;

import io.shroud.crypto.CipherState;
import io.shroud.crypto.NoiseCipher;
import io.shroud.crypto.NoiseException;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import io.shroud.wire.CellFormat;
import io.shroud.wire.LinkCipher;
import io.shroud.wire.ProtocolViolationException;
import io.shroud.wire.RekeyPolicy;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Link AEAD throughput: encrypt then decrypt of one record per iteration through Shroud's
 * {@link CipherState} (the JDK cipher object is kept and re-initialised per record, exactly as
 * links use it), for ChaCha20-Poly1305 and AES-256-GCM. Also measures AES-GCM with a fresh
 * {@code Cipher.getInstance} per call, to price the alternative, and whole cells through
 * {@link LinkCipher} (codec + AEAD + copies). Prints medians of 7 one-second rounds after 3
 * warm-up rounds.
 *
 * <pre>java -cp target/classes:target/bench-classes io.shroud.bench.AeadBench [plaintextBytes...]</pre>
 */
public final class AeadBench {
  private static final int ROUNDS = 7;
  private static final long ROUND_NANOS = 1_000_000_000L;

  private AeadBench() {}

  public static void main(String[] args) throws Exception {
    int[] sizes = args.length == 0 ? new int[] {4080, 16368}
        : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    System.out.println("java " + System.getProperty("java.version") + " "
        + System.getProperty("java.vm.name") + ", cpus=" + Runtime.getRuntime().availableProcessors());
    for (int size : sizes) {
      for (NoiseCipher c : NoiseCipher.values()) {
        report(c.noiseName() + " CipherState enc+dec", size, () -> cipherStateRoundTrip(c, size));
      }
      report("AESGCM getInstance-per-call enc+dec", size, () -> freshCipherRoundTrip(size));
    }
    for (NoiseCipher c : NoiseCipher.values()) {
      report(c.noiseName() + " LinkCipher seal+open (cell)", CellFormat.CELL_BYTES,
          () -> linkRoundTrip(c));
    }
  }

  interface Loop {
    /** Runs for about one round and returns {iterations, nanos}. */
    long[] run() throws Exception;
  }

  private static void report(String name, int size, Loop loop) throws Exception {
    for (int i = 0; i < 3; i++) {
      loop.run(); // warm-up
    }
    double[] perSecond = new double[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
      long[] r = loop.run();
      perSecond[i] = r[0] * 1e9 / r[1];
    }
    Arrays.sort(perSecond);
    double median = perSecond[ROUNDS / 2];
    System.out.printf("%-40s %6d B  %,10.0f records/s  %6.3f GB/s (plaintext, enc+dec)  "
        + "min %.3f max %.3f%n", name, size, median, median * size / 1e9,
        perSecond[0] * size / 1e9, perSecond[ROUNDS - 1] * size / 1e9);
  }

  private static long[] cipherStateRoundTrip(NoiseCipher c, int size) throws NoiseException {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    CipherState enc = new CipherState(c);
    CipherState dec = new CipherState(c);
    enc.initializeKey(key);
    dec.initializeKey(key);
    byte[] pt = new byte[size];
    byte[] ct = new byte[size + 16];
    byte[] back = new byte[size];
    long start = System.nanoTime();
    long n = 0;
    long now;
    do {
      pt[0] = (byte) n;
      enc.encryptWithAd(null, pt, 0, size, ct, 0);
      dec.decryptWithAd(null, ct, 0, ct.length, back, 0);
      n++;
      now = System.nanoTime();
    } while (now - start < ROUND_NANOS);
    if (back[0] != pt[0]) {
      throw new AssertionError("round trip broke");
    }
    return new long[] {n, now - start};
  }

  private static long[] linkRoundTrip(NoiseCipher c) throws ProtocolViolationException {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    LinkCipher a = new LinkCipher(keyed(c, key), keyed(c, key), RekeyPolicy.DEFAULT,
        Clock.systemUTC());
    LinkCipher b = new LinkCipher(keyed(c, key), keyed(c, key), RekeyPolicy.DEFAULT,
        Clock.systemUTC());
    Cell cell = new Cell(1, CellCommand.RELAY, new byte[CellFormat.PAYLOAD_BYTES]);
    long start = System.nanoTime();
    long n = 0;
    long now;
    do {
      if (b.open(a.seal(cell)).circuitId() != 1) {
        throw new AssertionError("round trip broke");
      }
      n++;
      now = System.nanoTime();
    } while (now - start < ROUND_NANOS);
    return new long[] {n, now - start};
  }

  private static CipherState keyed(NoiseCipher c, byte[] key) {
    CipherState cs = new CipherState(c);
    cs.initializeKey(key);
    return cs;
  }

  private static long[] freshCipherRoundTrip(int size) throws Exception {
    byte[] keyBytes = new byte[32];
    new SecureRandom().nextBytes(keyBytes);
    SecretKeySpec key = new SecretKeySpec(keyBytes, "AES");
    byte[] pt = new byte[size];
    byte[] ct = new byte[size + 16];
    byte[] back = new byte[size];
    byte[] iv = new byte[12];
    long start = System.nanoTime();
    long n = 0;
    long now;
    do {
      for (int i = 0; i < 8; i++) {
        iv[4 + i] = (byte) (n >>> (56 - 8 * i));
      }
      Cipher e = Cipher.getInstance("AES/GCM/NoPadding");
      e.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      e.doFinal(pt, 0, size, ct, 0);
      Cipher d = Cipher.getInstance("AES/GCM/NoPadding");
      d.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, iv));
      d.doFinal(ct, 0, ct.length, back, 0);
      n++;
      now = System.nanoTime();
    } while (now - start < ROUND_NANOS);
    return new long[] {n, now - start};
  }
}

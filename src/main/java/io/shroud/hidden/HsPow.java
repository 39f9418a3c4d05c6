package io.shroud.hidden;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The proof of work an introduction carries (docs/protocol.md §11.9): Argon2id (RFC 9106,
 * version 0x13, Bouncy Castle) with 1 MiB of memory, one pass, one lane:
 *
 * <pre>
 * h = Argon2id(password = nonce[16] ‖ seed[32] ‖ auth key[32] ‖ X[32],
 *              salt = "shroud-hs-pow-v1", memory = 1 024 KiB, iterations = 1, parallelism = 1, 32 bytes)
 * valid when u32(h[0..4]) ≤ floor((2^32 − 1) / E)
 * </pre>
 *
 * Expected cost of a solution: {@code E} evaluations; verifying: one.
 */
public final class HsPow {
  public static final int NONCE_BYTES = 16;
  public static final int SEED_BYTES = 32;
  public static final int KEY_BYTES = 32;
  public static final int MEMORY_KIB = 1024;
  public static final int ITERATIONS = 1;
  public static final int PARALLELISM = 1;
  public static final int HASH_BYTES = 32;
  public static final String SALT = "shroud-hs-pow-v1";
  /** The highest effort a seeder asks and an honest downloader attempts (§11.9). */
  public static final int MAX_EFFORT = 10_000;
  private static final long U32_MAX = 0xffffffffL;
  private static final Argon2Parameters PARAMETERS =
      new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
          .withVersion(Argon2Parameters.ARGON2_VERSION_13)
          .withMemoryAsKB(MEMORY_KIB)
          .withIterations(ITERATIONS)
          .withParallelism(PARALLELISM)
          .withSalt(SALT.getBytes(StandardCharsets.US_ASCII))
          .build();

  /** One generator per thread: its 1 MiB is allocated once, not at every verification. */
  private static final ThreadLocal<Argon2BytesGenerator> GENERATOR = ThreadLocal.withInitial(HsPow::generator);

  private HsPow() {}

  /** {@code h} for one nonce. */
  public static byte[] hash(byte[] nonce, byte[] seed, byte[] authKey, byte[] x) {
    return hash(GENERATOR.get(), password(nonce, seed, authKey, x));
  }

  /**
   * True when {@code nonce} is work of effort {@code effort} for this seed, auth key and
   * {@code X}. Effort 0 claims no work and is always valid (no Argon2id is run).
   */
  public static boolean verify(byte[] nonce, byte[] seed, byte[] authKey, byte[] x, long effort) {
    checkEffort(effort);
    byte[] password = password(nonce, seed, authKey, x);
    return effort == 0 || meets(hash(GENERATOR.get(), password), effort);
  }

  /**
   * Looks for a nonce of effort {@code effort} (1 ≤ E < 2^32), starting from a random nonce
   * and counting up, for at most {@code budget} evaluations; empty when the budget runs out.
   */
  public static Optional<byte[]> solve(byte[] seed, byte[] authKey, byte[] x, long effort,
      RandomGenerator random, long budget) {
    checkEffort(effort);
    if (effort == 0) {
      throw new IllegalArgumentException("effort 0 needs no work");
    }
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] password = password(nonce, seed, authKey, x);
    Argon2BytesGenerator generator = GENERATOR.get();
    for (long i = 0; i < budget; i++) {
      if (meets(hash(generator, password), effort)) {
        return Optional.of(java.util.Arrays.copyOf(password, NONCE_BYTES));
      }
      increment(password);
    }
    return Optional.empty();
  }

  /** {@code floor((2^32 − 1) / E)}: the highest first word of a valid {@code h}. */
  public static long threshold(long effort) {
    checkEffort(effort);
    return effort == 0 ? U32_MAX : U32_MAX / effort;
  }

  static boolean meets(byte[] h, long effort) {
    long first = ((h[0] & 0xffL) << 24) | ((h[1] & 0xffL) << 16) | ((h[2] & 0xffL) << 8) | (h[3] & 0xffL);
    return first <= threshold(effort);
  }

  private static Argon2BytesGenerator generator() {
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(PARAMETERS);
    return generator;
  }

  private static byte[] hash(Argon2BytesGenerator generator, byte[] password) {
    byte[] h = new byte[HASH_BYTES];
    generator.generateBytes(password, h);
    return h;
  }

  /** Adds one to the nonce (the first 16 bytes, big-endian), wrapping. */
  private static void increment(byte[] password) {
    for (int i = NONCE_BYTES - 1; i >= 0; i--) {
      if (++password[i] != 0) {
        return;
      }
    }
  }

  private static byte[] password(byte[] nonce, byte[] seed, byte[] authKey, byte[] x) {
    byte[] p = new byte[NONCE_BYTES + SEED_BYTES + 2 * KEY_BYTES];
    System.arraycopy(checked(nonce, NONCE_BYTES, "nonce"), 0, p, 0, NONCE_BYTES);
    System.arraycopy(checked(seed, SEED_BYTES, "seed"), 0, p, NONCE_BYTES, SEED_BYTES);
    System.arraycopy(checked(authKey, KEY_BYTES, "auth key"), 0, p, NONCE_BYTES + SEED_BYTES, KEY_BYTES);
    System.arraycopy(checked(x, KEY_BYTES, "X"), 0, p, NONCE_BYTES + SEED_BYTES + KEY_BYTES, KEY_BYTES);
    return p;
  }

  private static byte[] checked(byte[] b, int length, String what) {
    if (b == null || b.length != length) {
      throw new IllegalArgumentException(what + " must be " + length + " bytes");
    }
    return b;
  }

  private static void checkEffort(long effort) {
    if (effort < 0 || effort > U32_MAX) {
      throw new IllegalArgumentException("effort " + effort + " is not a u32");
    }
  }
}

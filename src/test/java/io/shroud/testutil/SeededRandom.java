package io.shroud.testutil;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/** Deterministic {@link SecureRandom} for tests (SHA1PRNG seeded before first use). */
public final class SeededRandom {
  private SeededRandom() {}

  public static SecureRandom of(long seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed);
      return random;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

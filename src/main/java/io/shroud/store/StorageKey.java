package io.shroud.store;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The key that makes a stored share's fragments opaque (docs/protocol.md §12.3): 32 random bytes
 * drawn when the share is stored, never derived from its content or link (so a storer cannot test
 * a guessed file), carried only inside the encrypted storage manifest. A secret: {@link #toString()}
 * never shows it.
 */
public final class StorageKey {
  public static final int BYTES = 32;

  private final byte[] key;

  private StorageKey(byte[] key) {
    this.key = key;
  }

  public static StorageKey generate(SecureRandom random) {
    byte[] key = new byte[BYTES];
    random.nextBytes(key);
    return new StorageKey(key);
  }

  public static StorageKey of(byte[] key) {
    if (key.length != BYTES) {
      throw new IllegalArgumentException("a storage key is " + BYTES + " bytes, got " + key.length);
    }
    return new StorageKey(key.clone());
  }

  /** A copy of the key. */
  public byte[] bytes() {
    return key.clone();
  }

  /** Overwrites the key; it must not be used again. */
  public void destroy() {
    Arrays.fill(key, (byte) 0);
  }

  @Override
  public String toString() {
    return "StorageKey[redacted]";
  }
}

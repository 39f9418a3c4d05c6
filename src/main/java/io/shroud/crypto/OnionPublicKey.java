package io.shroud.crypto;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The public half of a relay's onion key bundle, as published in its descriptor: an X25519
 * key {@code B} (32 bytes) and an ML-KEM-768 encapsulation key {@code EK_s} (1184 bytes).
 * {@link #id()} is {@code SHA-256("shroud-onion-key-id-v1" ‖ B ‖ EK_s)}, the value a CREATE
 * carries to say which bundle it targets.
 */
public final class OnionPublicKey {
  public static final int ID_BYTES = 32;
  /** Size of {@link #encode()}: B ‖ EK_s. */
  public static final int ENCODED_BYTES = X25519.KEY_BYTES + MlKem768.PUBLIC_KEY_BYTES;

  private static final byte[] ID_LABEL = Hashes.ascii("shroud-onion-key-id-v1");

  private final byte[] x25519;
  private final byte[] mlKem;
  private final byte[] id;

  private OnionPublicKey(byte[] x25519, byte[] mlKem) {
    this.x25519 = x25519;
    this.mlKem = mlKem;
    this.id = Hashes.sha256(ID_LABEL, x25519, mlKem);
  }

  /**
   * Wraps the two keys (copied). Throws {@link IllegalArgumentException} on a wrong size or an
   * ML-KEM key that fails the FIPS 203 modulus check.
   */
  public static OnionPublicKey of(byte[] x25519, byte[] mlKem) {
    if (x25519 == null || x25519.length != X25519.KEY_BYTES) {
      throw new IllegalArgumentException("X25519 onion key must be " + X25519.KEY_BYTES + " bytes");
    }
    MlKem768.checkPublicKey(mlKem);
    return new OnionPublicKey(x25519.clone(), mlKem.clone());
  }

  /** Parses {@link #encode()}'s output; {@link IllegalArgumentException} when malformed. */
  public static OnionPublicKey decode(byte[] encoded) {
    if (encoded == null || encoded.length != ENCODED_BYTES) {
      throw new IllegalArgumentException("onion public key must be " + ENCODED_BYTES + " bytes");
    }
    return of(Arrays.copyOfRange(encoded, 0, X25519.KEY_BYTES),
        Arrays.copyOfRange(encoded, X25519.KEY_BYTES, ENCODED_BYTES));
  }

  public byte[] encode() {
    byte[] out = Arrays.copyOf(x25519, ENCODED_BYTES);
    System.arraycopy(mlKem, 0, out, X25519.KEY_BYTES, mlKem.length);
    return out;
  }

  public byte[] x25519() {
    return x25519.clone();
  }

  public byte[] mlKem() {
    return mlKem.clone();
  }

  public byte[] id() {
    return id.clone();
  }

  byte[] x25519Raw() {
    return x25519;
  }

  byte[] mlKemRaw() {
    return mlKem;
  }

  byte[] idRaw() {
    return id;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OnionPublicKey other && Arrays.equals(id, other.id)
        && Arrays.equals(x25519, other.x25519) && Arrays.equals(mlKem, other.mlKem);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(id);
  }

  @Override
  public String toString() {
    return "OnionPublicKey[id=" + HexFormat.of().formatHex(id, 0, 8) + "]";
  }
}

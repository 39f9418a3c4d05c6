package io.shroud.crypto;

import java.util.Arrays;

/**
 * The key material one circuit handshake gives the origin and one hop: AES-256 keys and
 * initial counter blocks of the forward (origin → hop) and backward layers, and AES-256 GMAC
 * keys of the forward and backward tags. Layout of the 160 bytes (the handshake's
 * {@code KEYS}): Kf 32 ‖ Kb 32 ‖ Mf 32 ‖ Mb 32 ‖ IVf 16 ‖ IVb 16. Never printed.
 */
public final class HopKeys {
  public static final int CIPHER_KEY_BYTES = 32;
  public static final int MAC_KEY_BYTES = 32;
  public static final int IV_BYTES = 16;
  public static final int BYTES = 2 * CIPHER_KEY_BYTES + 2 * MAC_KEY_BYTES + 2 * IV_BYTES;

  private final byte[] material;

  private HopKeys(byte[] material) {
    this.material = material;
  }

  /** Wraps 160 bytes of key material (copied); for the handshake and for tests and benchmarks. */
  public static HopKeys fromBytes(byte[] material) {
    if (material == null || material.length != BYTES) {
      throw new IllegalArgumentException("hop key material must be " + BYTES + " bytes");
    }
    return new HopKeys(material.clone());
  }

  public byte[] forwardKey() {
    return slice(0, CIPHER_KEY_BYTES);
  }

  public byte[] backwardKey() {
    return slice(32, CIPHER_KEY_BYTES);
  }

  public byte[] forwardMacKey() {
    return slice(64, MAC_KEY_BYTES);
  }

  public byte[] backwardMacKey() {
    return slice(96, MAC_KEY_BYTES);
  }

  public byte[] forwardIv() {
    return slice(128, IV_BYTES);
  }

  public byte[] backwardIv() {
    return slice(144, IV_BYTES);
  }

  /** Overwrites the material with zeros once the layer has been keyed. */
  public void destroy() {
    Arrays.fill(material, (byte) 0);
  }

  /** Constant-time equality of the material, for tests of the key schedule. */
  public boolean sameMaterial(HopKeys other) {
    return java.security.MessageDigest.isEqual(material, other.material);
  }

  private byte[] slice(int from, int length) {
    return Arrays.copyOfRange(material, from, from + length);
  }

  @Override
  public String toString() {
    return "HopKeys[redacted]";
  }
}

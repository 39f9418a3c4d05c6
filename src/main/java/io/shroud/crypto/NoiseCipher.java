package io.shroud.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

/**
 * The Noise cipher functions (spec revision 34, section 12), both backed by the JDK provider:
 * {@code ChaChaPoly} (RFC 8439, nonce = 4 zero bytes + 64-bit little-endian counter) and
 * {@code AESGCM} (AES-256-GCM, nonce = 4 zero bytes + 64-bit big-endian counter). Both use
 * 32-byte keys and 16-byte tags.
 */
public enum NoiseCipher {
  CHACHA_POLY("ChaChaPoly", "ChaCha20-Poly1305", "ChaCha20", false),
  AES_GCM("AESGCM", "AES/GCM/NoPadding", "AES", true);

  /** Cipher key length (Noise: 32 bytes). */
  public static final int KEY_BYTES = 32;
  /** AEAD tag length (Noise: 16 bytes). */
  public static final int TAG_BYTES = 16;
  /** AEAD nonce length on the wire of the primitive. */
  static final int NONCE_BYTES = 12;

  private final String noiseName;
  private final String transformation;
  private final String keyAlgorithm;
  private final boolean bigEndianNonce;

  NoiseCipher(String noiseName, String transformation, String keyAlgorithm, boolean bigEndian) {
    this.noiseName = noiseName;
    this.transformation = transformation;
    this.keyAlgorithm = keyAlgorithm;
    this.bigEndianNonce = bigEndian;
  }

  /** The name used in Noise protocol names, e.g. {@code ChaChaPoly}. */
  public String noiseName() {
    return noiseName;
  }

  /** The cipher whose Noise name is {@code name}, e.g. {@code AESGCM}. */
  public static NoiseCipher fromNoiseName(String name) {
    for (NoiseCipher c : values()) {
      if (c.noiseName.equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown Noise cipher: " + name);
  }

  String transformation() {
    return transformation;
  }

  String keyAlgorithm() {
    return keyAlgorithm;
  }

  /** A fresh JDK cipher object for this algorithm. */
  Cipher newCipher() {
    try {
      return Cipher.getInstance(transformation);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + transformation, e);
    }
  }

  /** The 12-byte nonce for counter {@code n}, encoded as the spec requires for this cipher. */
  byte[] nonce(long n) {
    byte[] iv = new byte[NONCE_BYTES];
    for (int i = 0; i < 8; i++) {
      int shift = bigEndianNonce ? 8 * (7 - i) : 8 * i;
      iv[4 + i] = (byte) (n >>> shift);
    }
    return iv;
  }

  AlgorithmParameterSpec parameters(long n) throws InvalidAlgorithmParameterException {
    byte[] iv = nonce(n);
    return this == AES_GCM ? new GCMParameterSpec(TAG_BYTES * 8, iv) : new IvParameterSpec(iv);
  }
}

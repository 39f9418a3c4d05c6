package io.shroud.crypto;

import java.security.SecureRandom;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMExtractor;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMGenerator;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMKeyGenerationParameters;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMKeyPairGenerator;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMParameters;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMPrivateKeyParameters;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMPublicKeyParameters;

/**
 * ML-KEM-768 (FIPS 203) through Bouncy Castle. Encapsulation keys are 1184 bytes, ciphertexts
 * 1088, shared secrets 32; a private key is stored as its 64-byte seed.
 */
public final class MlKem768 {
  public static final int PUBLIC_KEY_BYTES = 1184;
  public static final int CIPHERTEXT_BYTES = 1088;
  public static final int SHARED_SECRET_BYTES = 32;
  public static final int SEED_BYTES = 64;

  private static final MLKEMParameters PARAMS = MLKEMParameters.ml_kem_768;

  private MlKem768() {}

  /** An ML-KEM-768 key pair. The private half never appears in {@link #toString()}. */
  public static final class KeyPair {
    private final MLKEMPrivateKeyParameters privateKey;
    private final byte[] publicKey;

    private KeyPair(MLKEMPrivateKeyParameters privateKey) {
      this.privateKey = privateKey;
      this.publicKey = privateKey.getPublicKey();
    }

    public byte[] publicKey() {
      return publicKey.clone();
    }

    /** The 64-byte seed the key pair is derived from, for writing to the key file only. */
    public byte[] seed() {
      return privateKey.getSeed();
    }

    /**
     * Decapsulates {@code ciphertext}. A well-sized but wrong ciphertext yields an unrelated
     * secret (FIPS 203 implicit rejection); a wrongly sized one is an
     * {@link IllegalArgumentException}.
     */
    public byte[] decapsulate(byte[] ciphertext) {
      if (ciphertext == null || ciphertext.length != CIPHERTEXT_BYTES) {
        throw new IllegalArgumentException("ML-KEM-768 ciphertext must be " + CIPHERTEXT_BYTES + " bytes");
      }
      return new MLKEMExtractor(privateKey).extractSecret(ciphertext);
    }

    @Override
    public String toString() {
      return "MlKem768.KeyPair[public key id=" + java.util.HexFormat.of().formatHex(Hashes.sha256(publicKey), 0, 8) + "]";
    }
  }

  /** The shared secret and the ciphertext that carries it. */
  public record Encapsulation(byte[] sharedSecret, byte[] ciphertext) {
    @Override
    public String toString() {
      return "MlKem768.Encapsulation[ciphertext " + ciphertext.length + " bytes]";
    }
  }

  public static KeyPair generate(SecureRandom random) {
    MLKEMKeyPairGenerator generator = new MLKEMKeyPairGenerator();
    generator.init(new MLKEMKeyGenerationParameters(random, PARAMS));
    AsymmetricCipherKeyPair pair = generator.generateKeyPair();
    return new KeyPair((MLKEMPrivateKeyParameters) pair.getPrivate());
  }

  public static KeyPair fromSeed(byte[] seed) {
    if (seed == null || seed.length != SEED_BYTES) {
      throw new IllegalArgumentException("ML-KEM-768 seed must be " + SEED_BYTES + " bytes");
    }
    return new KeyPair(new MLKEMPrivateKeyParameters(PARAMS, seed));
  }

  /**
   * Encapsulates a fresh secret to {@code publicKey}. Throws {@link IllegalArgumentException}
   * when the key has the wrong size or fails the FIPS 203 modulus check.
   */
  public static Encapsulation encapsulate(byte[] publicKey, SecureRandom random) {
    MLKEMPublicKeyParameters key = parsePublicKey(publicKey);
    SecretWithEncapsulation result = new MLKEMGenerator(random).generateEncapsulated(key);
    return new Encapsulation(result.getSecret(), result.getEncapsulation());
  }

  /** Checks size and the FIPS 203 modulus rule; {@link IllegalArgumentException} otherwise. */
  public static void checkPublicKey(byte[] publicKey) {
    parsePublicKey(publicKey);
  }

  private static MLKEMPublicKeyParameters parsePublicKey(byte[] publicKey) {
    if (publicKey == null || publicKey.length != PUBLIC_KEY_BYTES) {
      throw new IllegalArgumentException("ML-KEM-768 public key must be " + PUBLIC_KEY_BYTES + " bytes");
    }
    return new MLKEMPublicKeyParameters(PARAMS, publicKey);
  }
}

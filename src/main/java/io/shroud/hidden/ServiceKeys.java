package io.shroud.hidden;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.MlKem768;
import io.shroud.crypto.X25519;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * A seeder's keys for one introduction point of one share and period (protocol §11.3, §11.5,
 * §11.6): the Ed25519 auth key the introduction point knows it by, the X25519 pair {@code b/B}
 * and the ML-KEM-768 pair {@code DK_s/EK_s} an introduction is sealed to. Made fresh for each
 * intro point and never used for anything else. {@link #toString()} shows no key.
 */
public final class ServiceKeys {
  private final Ed25519.KeyPair auth;
  private final X25519.KeyPair x25519;
  private final MlKem768.KeyPair mlKem;
  private final byte[] ekSHash;

  private ServiceKeys(Ed25519.KeyPair auth, X25519.KeyPair x25519, MlKem768.KeyPair mlKem) {
    this.auth = Objects.requireNonNull(auth, "auth");
    this.x25519 = Objects.requireNonNull(x25519, "x25519");
    this.mlKem = Objects.requireNonNull(mlKem, "mlKem");
    this.ekSHash = sha256(mlKem.publicKey());
  }

  /** Fresh keys, drawn in this order: the auth key, {@code b}, then the ML-KEM-768 pair. */
  public static ServiceKeys generate(SecureRandom random) {
    Ed25519.KeyPair auth = Ed25519.generate(random);
    X25519.KeyPair b = X25519.generate(random);
    MlKem768.KeyPair kem = MlKem768.generate(random);
    return new ServiceKeys(auth, b, kem);
  }

  /** Keys from their private halves (32-byte Ed25519, 32-byte X25519, 64-byte ML-KEM seed). */
  public static ServiceKeys fromPrivate(byte[] authPrivate, byte[] x25519Private, byte[] mlKemSeed) {
    return new ServiceKeys(Ed25519.fromPrivateKey(authPrivate), X25519.fromPrivateKey(x25519Private),
        MlKem768.fromSeed(mlKemSeed));
  }

  /** The 32-byte Ed25519 auth key (public): the intro point's handle, {@code ID} of the handshake. */
  public byte[] authKey() {
    return auth.publicKey();
  }

  /** The auth key pair, to sign ESTABLISH_INTRO. */
  public Ed25519.KeyPair authKeyPair() {
    return auth;
  }

  /** {@code B}, the 32-byte X25519 public key of the descriptor. */
  public byte[] b() {
    return x25519.publicKey();
  }

  /** {@code EK_s}, the 1184-byte ML-KEM-768 encapsulation key the intro point hands out. */
  public byte[] ekS() {
    return mlKem.publicKey();
  }

  /** {@code H(EK_s)} = SHA-256 of {@link #ekS()}, as the descriptor carries it. */
  public byte[] ekSHash() {
    return ekSHash.clone();
  }

  X25519.KeyPair x25519() {
    return x25519;
  }

  MlKem768.KeyPair mlKem() {
    return mlKem;
  }

  static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        digest.update(part);
      }
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "ServiceKeys[redacted]";
  }
}

package io.shroud.crypto;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Objects;

/**
 * A relay's onion key bundle with its private halves (X25519 {@code b}, ML-KEM-768 seed) and
 * the instant after which it must no longer be accepted (the end of the period after its
 * successor took over). {@code KeysActor} owns rotation; this class only holds one bundle.
 * Private material never appears in {@link #toString()}.
 */
public final class OnionKeyPair {
  private final X25519.KeyPair x25519;
  private final MlKem768.KeyPair mlKem;
  private final OnionPublicKey publicKey;
  private final Instant expires;

  private OnionKeyPair(X25519.KeyPair x25519, MlKem768.KeyPair mlKem, Instant expires) {
    this(x25519, mlKem, OnionPublicKey.of(x25519.publicKey(), mlKem.publicKey()), expires);
  }

  private OnionKeyPair(X25519.KeyPair x25519, MlKem768.KeyPair mlKem, OnionPublicKey publicKey, Instant expires) {
    this.x25519 = x25519;
    this.mlKem = mlKem;
    this.publicKey = publicKey;
    this.expires = Objects.requireNonNull(expires, "expires");
  }

  /**
   * Test seam only: a bundle that claims {@code claimed} while holding other private keys, so
   * tests can show that an impostor lacking either real private key fails the handshake.
   */
  static OnionKeyPair impostor(X25519.KeyPair x25519, MlKem768.KeyPair mlKem, OnionPublicKey claimed, Instant expires) {
    return new OnionKeyPair(x25519, mlKem, claimed, expires);
  }

  public static OnionKeyPair generate(SecureRandom random, Instant expires) {
    return new OnionKeyPair(X25519.generate(random), MlKem768.generate(random), expires);
  }

  /** Rebuilds a bundle from its stored private parts (32-byte X25519 key, 64-byte ML-KEM seed). */
  public static OnionKeyPair fromPrivate(byte[] x25519Private, byte[] mlKemSeed, Instant expires) {
    return new OnionKeyPair(X25519.fromPrivateKey(x25519Private), MlKem768.fromSeed(mlKemSeed), expires);
  }

  public OnionPublicKey publicKey() {
    return publicKey;
  }

  public Instant expires() {
    return expires;
  }

  /** The raw X25519 private key, for the key file only. */
  public byte[] x25519PrivateKey() {
    return x25519.privateKeyBytes();
  }

  /** The ML-KEM-768 seed, for the key file only. */
  public byte[] mlKemSeed() {
    return mlKem.seed();
  }

  X25519.KeyPair x25519() {
    return x25519;
  }

  MlKem768.KeyPair mlKem() {
    return mlKem;
  }

  @Override
  public String toString() {
    return "OnionKeyPair[" + publicKey + ", expires=" + expires + "]";
  }
}

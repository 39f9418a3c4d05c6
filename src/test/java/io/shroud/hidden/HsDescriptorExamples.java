package io.shroud.hidden;

import io.shroud.content.ShareKey;
import io.shroud.crypto.Ed25519;
import io.shroud.crypto.MlKem768;
import io.shroud.crypto.X25519;
import io.shroud.identity.NodeId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Fixed inputs for descriptor tests, the fuzz seeds and the worked example of docs/protocol.md
 * §11.3: every key is made from {@code SHA-256(label)} (ML-KEM seeds from SHA-512), so another
 * implementation can rebuild them.
 */
final class HsDescriptorExamples {
  static final HexFormat HEX = HexFormat.of();
  static final byte[] INFO_HASH = ShareSecretTest.INFO_HASH;
  static final ShareKey SHARE_KEY = ShareKey.of(HEX.parseHex(
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
  static final long PERIOD = 20454; // 2026-01-01
  static final byte[] NONCE = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaab");

  private HsDescriptorExamples() {}

  static ShareSecret secret() {
    return ShareSecret.ofEncrypted(INFO_HASH, SHARE_KEY);
  }

  static HsLocation location() {
    return HsLocation.of(secret(), PERIOD);
  }

  static Ed25519.KeyPair publisher() {
    return Ed25519.fromPrivateKey(sha256("shroud example: hs publisher"));
  }

  static HsDescriptor.IntroPoint introPoint(int i) {
    NodeId relay = NodeId.ofIdentityKey(Ed25519.fromPrivateKey(sha256("shroud example: relay " + i)).publicKey());
    byte[] auth = Ed25519.fromPrivateKey(sha256("shroud example: auth key " + i)).publicKey();
    byte[] b = X25519.fromPrivateKey(sha256("shroud example: B " + i)).publicKey();
    byte[] ek = MlKem768.fromSeed(sha512("shroud example: EK_s " + i)).publicKey();
    return new HsDescriptor.IntroPoint(relay, auth, b, sha256(ek));
  }

  static HsDescriptor descriptor(int effort, int count) {
    List<HsDescriptor.IntroPoint> points = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      points.add(introPoint(i));
    }
    return new HsDescriptor(effort, sha256("shroud example: pow seed"), points);
  }

  /** Gives {@code bytes} to the first nextBytes call, then fails (the seal draws its nonce only). */
  static RandomGenerator fixed(byte[] bytes) {
    return new RandomGenerator() {
      private boolean used;

      @Override
      public long nextLong() {
        throw new UnsupportedOperationException();
      }

      @Override
      public void nextBytes(byte[] out) {
        if (used || out.length != bytes.length) {
          throw new IllegalStateException("unexpected draw of " + out.length + " bytes");
        }
        used = true;
        System.arraycopy(bytes, 0, out, 0, out.length);
      }
    };
  }

  static byte[] sha256(String label) {
    return sha256(label.getBytes(StandardCharsets.US_ASCII));
  }

  static byte[] sha256(byte[] data) {
    return digest("SHA-256", data);
  }

  static byte[] sha512(String label) {
    return digest("SHA-512", label.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.shroud.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 helpers shared by the circuit handshake classes. */
final class Hashes {
  private Hashes() {}

  static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  static byte[] sha256(byte[]... parts) {
    MessageDigest digest = sha256Digest();
    for (byte[] part : parts) {
      digest.update(part);
    }
    return digest.digest();
  }

  static byte[] ascii(String label) {
    return label.getBytes(StandardCharsets.US_ASCII);
  }
}

package io.shroud.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Noise {@code SymmetricState} (spec revision 34, section 5.2) over SHA-256: the chaining
 * key {@code ck}, the handshake hash {@code h} and the handshake's {@link CipherState}. HKDF is
 * section 4.3's, built on HMAC-SHA256.
 */
final class SymmetricState {
  static final int HASH_BYTES = 32;

  private final NoiseCipher cipher;
  private final CipherState cs;
  private byte[] ck;
  private byte[] h;

  SymmetricState(String protocolName, NoiseCipher cipher) {
    this.cipher = cipher;
    byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
    this.h = name.length <= HASH_BYTES ? Arrays.copyOf(name, HASH_BYTES) : sha256(name);
    this.ck = h.clone();
    this.cs = new CipherState(cipher);
  }

  void mixKey(byte[] ikm) {
    byte[][] out = hkdf(ck, ikm, 2);
    ck = out[0];
    cs.initializeKey(out[1]);
    Arrays.fill(out[1], (byte) 0);
  }

  void mixHash(byte[] data) {
    MessageDigest md = newSha256();
    md.update(h);
    md.update(data);
    h = md.digest();
  }

  boolean hasKey() {
    return cs.hasKey();
  }

  byte[] encryptAndHash(byte[] plaintext) throws NoiseException {
    byte[] ciphertext = cs.encryptWithAd(h, plaintext);
    mixHash(ciphertext);
    return ciphertext;
  }

  byte[] decryptAndHash(byte[] ciphertext) throws NoiseException {
    byte[] plaintext = cs.decryptWithAd(h, ciphertext);
    mixHash(ciphertext);
    return plaintext;
  }

  byte[] handshakeHash() {
    return h.clone();
  }

  /** Returns {c1, c2}: c1 encrypts initiator to responder, c2 responder to initiator. */
  CipherState[] split() {
    byte[][] out = hkdf(ck, new byte[0], 2);
    CipherState c1 = new CipherState(cipher);
    CipherState c2 = new CipherState(cipher);
    c1.initializeKey(out[0]);
    c2.initializeKey(out[1]);
    Arrays.fill(out[0], (byte) 0);
    Arrays.fill(out[1], (byte) 0);
    Arrays.fill(ck, (byte) 0);
    return new CipherState[] {c1, c2};
  }

  /** HKDF(chaining_key, input_key_material, num_outputs) of spec section 4.3. */
  static byte[][] hkdf(byte[] chainingKey, byte[] ikm, int outputs) {
    if (outputs < 2 || outputs > 3) {
      throw new IllegalArgumentException("HKDF gives 2 or 3 outputs");
    }
    byte[] tempKey = hmac(chainingKey, ikm);
    byte[][] out = new byte[outputs][];
    byte[] previous = new byte[0];
    for (int i = 0; i < outputs; i++) {
      byte[] input = Arrays.copyOf(previous, previous.length + 1);
      input[previous.length] = (byte) (i + 1);
      out[i] = hmac(tempKey, input);
      previous = out[i];
    }
    Arrays.fill(tempKey, (byte) 0);
    return out;
  }

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256", e);
    }
  }

  static byte[] sha256(byte[] data) {
    return newSha256().digest(data);
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}

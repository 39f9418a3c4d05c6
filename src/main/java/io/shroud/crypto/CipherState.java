package io.shroud.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Noise {@code CipherState} (spec revision 34, section 5.1): a 32-byte key {@code k}, which
 * may be empty, and a 64-bit nonce {@code n} that counts messages. With an empty key,
 * encryption and decryption return their input unchanged.
 *
 * <p>One JDK {@link Cipher} object is kept and re-initialised for every message (the JDK
 * refuses to re-use a key and IV for encryption; Noise never does). {@link #rekey()} replaces
 * {@code k} with the first 32 bytes of {@code ENCRYPT(k, 2^64-1, "", 32 zero bytes)} and
 * leaves {@code n} unchanged (section 11.3). Not thread-safe: one owner at a time.
 */
public final class CipherState {
  /** The reserved nonce value 2^64-1, as a signed long. */
  static final long MAX_NONCE = -1L;

  private final NoiseCipher cipher;
  private SecretKeySpec key;
  private long n;
  private Cipher jdk;

  /** An empty cipher state (no key) for {@code cipher}. */
  public CipherState(NoiseCipher cipher) {
    this.cipher = cipher;
  }

  /** Sets the key to {@code k} (32 bytes, copied) and the nonce to zero. */
  public void initializeKey(byte[] k) {
    if (k == null) {
      key = null;
    } else {
      if (k.length != NoiseCipher.KEY_BYTES) {
        throw new IllegalArgumentException("Noise cipher key must be 32 bytes");
      }
      key = new SecretKeySpec(k, cipher.keyAlgorithm());
    }
    n = 0;
  }

  public boolean hasKey() {
    return key != null;
  }

  public NoiseCipher cipher() {
    return cipher;
  }

  /** The next nonce, an unsigned 64-bit value held in a long. */
  public long nonce() {
    return n;
  }

  public void setNonce(long nonce) {
    n = nonce;
  }

  /** Encrypts {@code plaintext} with associated data {@code ad} (may be empty) at nonce n. */
  public byte[] encryptWithAd(byte[] ad, byte[] plaintext) throws NoiseException {
    byte[] out = new byte[plaintext.length + (hasKey() ? NoiseCipher.TAG_BYTES : 0)];
    encryptWithAd(ad, plaintext, 0, plaintext.length, out, 0);
    return out;
  }

  /**
   * Encrypts {@code len} bytes of {@code in} from {@code off} into {@code out} at {@code outOff}
   * ({@code len + 16} bytes are written when a key is set) and returns the bytes written.
   */
  public int encryptWithAd(byte[] ad, byte[] in, int off, int len, byte[] out, int outOff)
      throws NoiseException {
    if (key == null) {
      System.arraycopy(in, off, out, outOff, len);
      return len;
    }
    if (n == MAX_NONCE) {
      throw new NoiseException("Noise nonce space is exhausted");
    }
    int written = crypt(Cipher.ENCRYPT_MODE, key, n, ad, in, off, len, out, outOff);
    n++;
    return written;
  }

  /** Decrypts and authenticates {@code ciphertext}; the nonce advances only on success. */
  public byte[] decryptWithAd(byte[] ad, byte[] ciphertext) throws NoiseException {
    if (key == null) {
      return ciphertext.clone();
    }
    if (ciphertext.length < NoiseCipher.TAG_BYTES) {
      throw new NoiseException(
          "Noise ciphertext is shorter than its tag: " + ciphertext.length + " < 16 bytes");
    }
    byte[] out = new byte[ciphertext.length - NoiseCipher.TAG_BYTES];
    decryptWithAd(ad, ciphertext, 0, ciphertext.length, out, 0);
    return out;
  }

  /**
   * Decrypts {@code len} bytes (ciphertext plus tag) of {@code in} into {@code out} and
   * returns the plaintext length. Throws {@link NoiseException} when authentication fails.
   */
  public int decryptWithAd(byte[] ad, byte[] in, int off, int len, byte[] out, int outOff)
      throws NoiseException {
    if (key == null) {
      System.arraycopy(in, off, out, outOff, len);
      return len;
    }
    if (n == MAX_NONCE) {
      throw new NoiseException("Noise nonce space is exhausted");
    }
    if (len < NoiseCipher.TAG_BYTES) {
      throw new NoiseException("Noise ciphertext is shorter than its tag: " + len + " < 16 bytes");
    }
    int written = crypt(Cipher.DECRYPT_MODE, key, n, ad, in, off, len, out, outOff);
    n++;
    return written;
  }

  /** {@code k = REKEY(k)}: spec section 11.3's default, the nonce is kept. */
  public void rekey() {
    if (key == null) {
      throw new IllegalStateException("cannot rekey a cipher state without a key");
    }
    byte[] out = new byte[NoiseCipher.KEY_BYTES + NoiseCipher.TAG_BYTES];
    try {
      crypt(Cipher.ENCRYPT_MODE, key, MAX_NONCE, new byte[0],
          new byte[NoiseCipher.KEY_BYTES], 0, NoiseCipher.KEY_BYTES, out, 0);
    } catch (NoiseException e) {
      throw new IllegalStateException("rekey encryption failed", e);
    }
    key = new SecretKeySpec(out, 0, NoiseCipher.KEY_BYTES, cipher.keyAlgorithm());
    Arrays.fill(out, (byte) 0);
  }

  private int crypt(int mode, SecretKeySpec k, long nonce, byte[] ad, byte[] in, int off,
      int len, byte[] out, int outOff) throws NoiseException {
    if (jdk == null) {
      jdk = cipher.newCipher();
    }
    try {
      jdk.init(mode, k, cipher.parameters(nonce));
      if (ad != null && ad.length > 0) {
        jdk.updateAAD(ad);
      }
      return jdk.doFinal(in, off, len, out, outOff);
    } catch (AEADBadTagException e) {
      throw new NoiseException("Noise message failed authentication");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(cipher.noiseName() + " cipher failed", e);
    }
  }

  @Override
  public String toString() {
    return "CipherState[" + cipher.noiseName() + ", key=" + (hasKey() ? "set" : "empty")
        + ", n=" + Long.toUnsignedString(n) + "]";
  }
}

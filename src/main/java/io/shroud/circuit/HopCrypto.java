package io.shroud.circuit;

import io.shroud.crypto.HopKeys;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One hop's relay crypto in both directions (protocol §6.3): a continuous AES-256-CTR keystream
 * and an HMAC-SHA256 tag with a cell counter per direction. Shared by the origin (one per hop)
 * and a relay (one per circuit it relays). Not thread-safe; bodies are transformed in place.
 */
final class HopCrypto {
  private static final byte[] ZERO_TAG = new byte[RelayCellFormat.TAG_BYTES];
  private static final int AFTER_TAG = RelayCellFormat.TAG_OFFSET + RelayCellFormat.TAG_BYTES;

  /** One direction of one hop. */
  static final class Direction {
    private final Cipher keystream;
    private final Mac mac;
    private final byte[] counter = new byte[8];
    private final byte[] macOut = new byte[32];
    private long sequence;

    private Direction(byte[] key, byte[] iv, byte[] macKey) {
      try {
        keystream = Cipher.getInstance("AES/CTR/NoPadding");
        keystream.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-CTR or HMAC-SHA256 is missing from this JVM", e);
      } finally {
        java.util.Arrays.fill(key, (byte) 0);
        java.util.Arrays.fill(macKey, (byte) 0);
      }
    }

    /** Applies (adds or removes) this layer in place: XOR with the next 4075 keystream bytes. */
    void crypt(byte[] body) {
      crypt(body, body);
    }

    /** Writes {@code in} with this layer applied to {@code out} (may be the same array). */
    void crypt(byte[] in, byte[] out) {
      try {
        int n = keystream.update(in, 0, RelayCellFormat.BODY_BYTES, out, 0);
        if (n != RelayCellFormat.BODY_BYTES) {
          throw new IllegalStateException("AES-CTR returned " + n + " bytes");
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-CTR failed", e);
      }
    }

    /** Writes the tag of a plaintext body this side originates and advances the counter. */
    void seal(byte[] body) {
      computeTag(body);
      System.arraycopy(macOut, 0, body, RelayCellFormat.TAG_OFFSET, RelayCellFormat.TAG_BYTES);
      sequence++;
    }

    /**
     * True when {@code body} (this layer already removed) is addressed here: recognized is 0
     * and the tag matches (constant-time). Advances the counter only then.
     */
    boolean recognizes(byte[] body) {
      if (body[RelayCellFormat.RECOGNIZED_OFFSET] != 0 || body[RelayCellFormat.RECOGNIZED_OFFSET + 1] != 0) {
        return false;
      }
      computeTag(body);
      int diff = 0;
      for (int i = 0; i < RelayCellFormat.TAG_BYTES; i++) {
        diff |= macOut[i] ^ body[RelayCellFormat.TAG_OFFSET + i];
      }
      if (diff != 0) {
        return false;
      }
      sequence++;
      return true;
    }

    private void computeTag(byte[] body) {
      long s = sequence;
      for (int i = 7; i >= 0; i--) {
        counter[i] = (byte) s;
        s >>>= 8;
      }
      mac.update(counter);
      mac.update(body, 0, RelayCellFormat.TAG_OFFSET);
      mac.update(ZERO_TAG);
      mac.update(body, AFTER_TAG, RelayCellFormat.BODY_BYTES - AFTER_TAG);
      try {
        mac.doFinal(macOut, 0);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HMAC failed", e);
      }
    }
  }

  final Direction forward;
  final Direction backward;

  HopCrypto(HopKeys keys) {
    forward = new Direction(keys.forwardKey(), keys.forwardIv(), keys.forwardMacKey());
    backward = new Direction(keys.backwardKey(), keys.backwardIv(), keys.backwardMacKey());
  }

  static void checkSize(byte[] body) throws CircuitProtocolException {
    if (body == null || body.length != RelayCellFormat.BODY_BYTES) {
      throw new CircuitProtocolException("relay cell body must be " + RelayCellFormat.BODY_BYTES + " bytes, got "
          + (body == null ? "null" : body.length));
    }
  }
}

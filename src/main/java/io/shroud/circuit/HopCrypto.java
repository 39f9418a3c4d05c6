package io.shroud.circuit;

import io.shroud.crypto.HopKeys;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One hop's relay crypto in both directions (protocol §6.6.3): a continuous AES-256-CTR keystream
 * and a GMAC tag (AES-256-GCM over the body as associated data, nonce = the cell counter) per
 * direction. Shared by the origin (one per hop) and a relay (one per circuit it relays). Not
 * thread-safe.
 */
final class HopCrypto {
  private static final int TAG_END = RelayCellFormat.TAG_OFFSET + RelayCellFormat.TAG_BYTES;
  private static final int TAG_BITS = 8 * RelayCellFormat.TAG_BYTES;

  /** One direction of one hop: a side either seals (originates) or recognizes, never both. */
  static final class Direction {
    private final Cipher keystream;
    private final Cipher gmac;
    private final SecretKeySpec tagKey;
    private final byte[] nonce = new byte[12];
    private final byte[] tag = new byte[RelayCellFormat.TAG_BYTES];
    private long sequence;

    private Direction(byte[] key, byte[] iv, byte[] macKey) {
      try {
        keystream = Cipher.getInstance("AES/CTR/NoPadding");
        keystream.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        gmac = Cipher.getInstance("AES/GCM/NoPadding");
        tagKey = new SecretKeySpec(macKey, "AES");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-CTR or AES-GCM is missing from this JVM", e);
      } finally {
        Arrays.fill(key, (byte) 0);
        Arrays.fill(macKey, (byte) 0);
      }
    }

    /**
     * Writes {@code in} with this layer applied (added or removed: XOR with the next 4075
     * keystream bytes) to {@code out}. Give a different array: the JDK's cipher copies an input
     * that is also its output before it starts.
     */
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
      Arrays.fill(body, RelayCellFormat.TAG_OFFSET, TAG_END, (byte) 0);
      try {
        startTag(Cipher.ENCRYPT_MODE);
        gmac.updateAAD(body, 0, RelayCellFormat.BODY_BYTES);
        gmac.doFinal(tag, 0);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("GMAC failed", e);
      }
      System.arraycopy(tag, 0, body, RelayCellFormat.TAG_OFFSET, RelayCellFormat.TAG_BYTES);
      sequence++;
    }

    /**
     * True when {@code body} (this layer already removed) is addressed here: recognized is 0
     * and the tag matches (GCM's own constant-time check). Advances the counter only then.
     * The body is left as it came, tag included (an unrecognized one travels on).
     */
    boolean recognizes(byte[] body) {
      if (body[RelayCellFormat.RECOGNIZED_OFFSET] != 0 || body[RelayCellFormat.RECOGNIZED_OFFSET + 1] != 0) {
        return false;
      }
      System.arraycopy(body, RelayCellFormat.TAG_OFFSET, tag, 0, RelayCellFormat.TAG_BYTES);
      Arrays.fill(body, RelayCellFormat.TAG_OFFSET, TAG_END, (byte) 0);
      try {
        // decrypt mode checks the tag without exposing the expected one, and may repeat a
        // nonce: a cell that is not ours leaves the counter where it was for the next cell
        startTag(Cipher.DECRYPT_MODE);
        gmac.updateAAD(body, 0, RelayCellFormat.BODY_BYTES);
        gmac.doFinal(tag, 0, RelayCellFormat.TAG_BYTES);
      } catch (AEADBadTagException e) {
        return false;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("GMAC failed", e);
      } finally {
        System.arraycopy(tag, 0, body, RelayCellFormat.TAG_OFFSET, RelayCellFormat.TAG_BYTES);
      }
      sequence++;
      return true;
    }

    /** Initialises GMAC for the current cell: nonce = 4 zero bytes ‖ u64 counter. */
    private void startTag(int mode) throws GeneralSecurityException {
      long s = sequence;
      for (int i = nonce.length - 1; i >= nonce.length - Long.BYTES; i--) {
        nonce[i] = (byte) s;
        s >>>= 8;
      }
      gmac.init(mode, tagKey, new GCMParameterSpec(TAG_BITS, nonce));
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

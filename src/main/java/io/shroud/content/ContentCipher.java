package io.shroud.content;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-CTR over a share's content, positioned at any byte offset: the counter block for
 * byte offset {@code o} is {@code IV + floor(o / 16)} (mod 2<sup>128</sup>), so a downloader can
 * decrypt any verified piece on its own. Encryption and decryption are the same operation.
 * Each call to the JDK cipher handles at most {@link #CHUNK} bytes (larger calls leave the AES
 * intrinsic's fast path). Not thread-safe; make one per stream.
 */
public final class ContentCipher {
  /** Largest slice handed to the JDK cipher in one call: 64 KiB. */
  public static final int CHUNK = 64 * 1024;

  private final SecretKeySpec key;
  private final byte[] iv;
  private final Cipher cipher;
  private long position;

  /** A cipher positioned at byte {@code offset} of the content. */
  public ContentCipher(ShareKey shareKey, long offset) {
    this.key = new SecretKeySpec(shareKey.contentKey(), "AES");
    this.iv = shareKey.contentIv();
    try {
      this.cipher = Cipher.getInstance("AES/CTR/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no AES/CTR", e);
    }
    seek(offset);
  }

  /** Repositions the keystream to byte {@code offset}. */
  public void seek(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset");
    }
    BigInteger counter = new BigInteger(1, iv).add(BigInteger.valueOf(offset >>> 4));
    byte[] raw = counter.toByteArray();
    byte[] block = new byte[16];
    int n = Math.min(16, raw.length);
    System.arraycopy(raw, raw.length - n, block, 16 - n, n);
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(block));
      int skip = (int) (offset & 15);
      if (skip > 0) {
        cipher.update(new byte[skip]);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR refused its key", e);
    }
    position = offset;
  }

  public long position() {
    return position;
  }

  /** XORs {@code len} bytes of keystream into {@code out} (which may be {@code in}). */
  public void apply(byte[] in, int inOff, int len, byte[] out, int outOff) {
    try {
      while (len > 0) {
        int n = Math.min(len, CHUNK);
        int done = cipher.update(in, inOff, n, out, outOff);
        if (done != n) {
          throw new IllegalStateException("AES/CTR returned " + done + " of " + n + " bytes");
        }
        inOff += n;
        outOff += n;
        len -= n;
        position += n;
      }
    } catch (javax.crypto.ShortBufferException e) {
      throw new IllegalArgumentException("output buffer too small", e);
    }
  }

  /** Convenience: a new array holding {@code data} transformed at the current position. */
  public byte[] apply(byte[] data) {
    byte[] out = new byte[data.length];
    apply(data, 0, data.length, out, 0);
    return out;
  }
}

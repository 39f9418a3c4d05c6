package io.shroud.content;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What an encrypted share hides from the network: the file's name, length, media type and the
 * SHA-256 of its plaintext. It is sealed with AES-256-GCM under the share key's manifest subkey,
 * with the ciphertext's tree as associated data ({@link #associatedData}), so a manifest cannot be
 * moved onto other content and a wrong key fails on the tag.
 *
 * <p>Plaintext layout (big-endian): {@code u8 version=1 | u64 length | 32-byte SHA-256 |
 * u16 nameLen | name (UTF-8) | u8 typeLen | media type (ASCII)}, then zero bytes up to a multiple
 * of {@value #PAD} bytes so the sealed size hides the name's exact length. Sealed layout:
 * {@code 12-byte random nonce | GCM ciphertext | 16-byte tag}.
 *
 * @param name the file name ({@link FileNames} rule)
 * @param length plaintext length in bytes
 * @param mediaType e.g. {@code text/plain}; printable ASCII, at most {@value #MAX_MEDIA_TYPE} chars
 * @param sha256 SHA-256 of the plaintext
 */
public record Manifest(String name, long length, String mediaType, byte[] sha256) {
  public static final int VERSION = 1;
  public static final int MAX_MEDIA_TYPE = 127;
  public static final int PAD = 64;
  static final int NONCE = 12;
  static final int TAG = 16;
  /** Largest padded plaintext: 1 + 8 + 32 + 2 + 255 + 1 + 127 = 426, padded to 448. */
  public static final int MAX_PLAINTEXT = 448;
  /** Largest sealed manifest: nonce + padded plaintext + tag = 476 bytes. */
  public static final int MAX_SEALED_LENGTH = NONCE + MAX_PLAINTEXT + TAG;
  private static final byte[] AAD_LABEL = "shroud/v1/manifest".getBytes(StandardCharsets.US_ASCII);

  public Manifest {
    FileNames.check(name);
    if (length < 0 || length > PieceGeometry.MAX_LENGTH) {
      throw new IllegalArgumentException("manifest length out of range");
    }
    if (mediaType == null || mediaType.length() > MAX_MEDIA_TYPE
        || !mediaType.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("media type must be 0-127 printable ASCII characters");
    }
    if (sha256 == null || sha256.length != 32) {
      throw new IllegalArgumentException("plaintext SHA-256 must be 32 bytes");
    }
    sha256 = sha256.clone();
  }

  @Override
  public byte[] sha256() {
    return sha256.clone();
  }

  /**
   * The associated data binding a manifest to its content: the label {@code shroud/v1/manifest},
   * u32 piece length, u64 ciphertext length, and the 32-byte pieces root (absent when empty).
   */
  public static byte[] associatedData(PieceGeometry g, byte[] piecesRoot) {
    ByteBuffer b = ByteBuffer.allocate(AAD_LABEL.length + 4 + 8 + (piecesRoot == null ? 0 : 32));
    b.put(AAD_LABEL).putInt(g.pieceLength()).putLong(g.length());
    if (piecesRoot != null) {
      b.put(piecesRoot);
    }
    return b.array();
  }

  byte[] encodePlaintext() {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] t = mediaType.getBytes(StandardCharsets.US_ASCII);
    int raw = 1 + 8 + 32 + 2 + n.length + 1 + t.length;
    ByteBuffer b = ByteBuffer.allocate((raw + PAD - 1) / PAD * PAD);
    b.put((byte) VERSION).putLong(length).put(sha256);
    b.putShort((short) n.length).put(n).put((byte) t.length).put(t);
    return b.array();
  }

  /** Encrypts this manifest under {@code key}, bound to {@code associatedData}. */
  public byte[] seal(ShareKey key, byte[] associatedData, SecureRandom random) {
    byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    try {
      Cipher c = gcm(Cipher.ENCRYPT_MODE, key, nonce);
      c.updateAAD(associatedData);
      byte[] ct = c.doFinal(encodePlaintext());
      byte[] out = Arrays.copyOf(nonce, NONCE + ct.length);
      System.arraycopy(ct, 0, out, NONCE, ct.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed to seal", e);
    }
  }

  /** Decrypts and parses a sealed manifest; any failure is a {@link ContentDecryptionException}. */
  public static Manifest open(ShareKey key, byte[] associatedData, byte[] sealed)
      throws ContentDecryptionException {
    if (sealed == null || sealed.length < NONCE + PAD + TAG || sealed.length > MAX_SEALED_LENGTH) {
      throw new ContentDecryptionException("sealed manifest has an impossible length");
    }
    byte[] plain;
    try {
      Cipher c = gcm(Cipher.DECRYPT_MODE, key, Arrays.copyOf(sealed, NONCE));
      c.updateAAD(associatedData);
      plain = c.doFinal(sealed, NONCE, sealed.length - NONCE);
    } catch (AEADBadTagException e) {
      throw new ContentDecryptionException(
          "manifest authentication failed: wrong key, or manifest or content altered");
    } catch (GeneralSecurityException e) {
      throw new ContentDecryptionException("manifest could not be decrypted", e);
    }
    try {
      return decodePlaintext(plain);
    } catch (RuntimeException e) {
      throw new ContentDecryptionException("authenticated manifest is malformed: " + e.getMessage());
    }
  }

  private static Manifest decodePlaintext(byte[] plain) {
    ByteBuffer b = ByteBuffer.wrap(plain);
    if (plain.length % PAD != 0 || b.get() != VERSION) {
      throw new IllegalArgumentException("unknown manifest version or padding");
    }
    long length = b.getLong();
    byte[] sha = new byte[32];
    b.get(sha);
    byte[] n = new byte[b.getShort() & 0xffff];
    b.get(n);
    byte[] t = new byte[b.get() & 0xff];
    b.get(t);
    while (b.hasRemaining()) {
      if (b.get() != 0) {
        throw new IllegalArgumentException("non-zero padding");
      }
    }
    String name;
    try {
      name = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(n)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException("name is not UTF-8");
    }
    return new Manifest(name, length, new String(t, StandardCharsets.US_ASCII), sha);
  }

  private static Cipher gcm(int mode, ShareKey key, byte[] nonce) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, new SecretKeySpec(key.manifestKey(), "AES"), new GCMParameterSpec(128, nonce));
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Manifest m && name.equals(m.name) && length == m.length
        && mediaType.equals(m.mediaType) && MessageDigest.isEqual(sha256, m.sha256);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Long.hashCode(length);
  }

  @Override
  public String toString() {
    return "Manifest[length=" + length + ", mediaType=" + mediaType + "]";
  }
}

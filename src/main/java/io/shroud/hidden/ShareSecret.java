package io.shroud.hidden;

import io.shroud.content.Magnet;
import io.shroud.content.ShareKey;
import io.shroud.content.ShareLink;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The share secret {@code S} of docs/protocol.md §11.2: what only a holder of the link (an
 * encrypted share: info-hash and key) or of the info-hash (a public share) can compute, and from
 * which every period's blinded location and descriptor key derive ({@link HsLocation}).
 *
 * <pre>
 * S = HKDF-SHA256(ikm = info-hash[32] ‖ share key[32]   (encrypted share or encrypted folder)
 *                    or info-hash[32]                   (public share),
 *                 salt = none, info = "shroud/v1/hs-secret", 32 bytes)
 * </pre>
 *
 * A secret: {@link #toString()} never shows it.
 */
public final class ShareSecret {
  public static final int BYTES = 32;
  public static final String LABEL = "shroud/v1/hs-secret";
  private static final int INFO_HASH_BYTES = 32;

  private final byte[] secret;

  private ShareSecret(byte[] secret) {
    this.secret = secret;
  }

  /** The secret of a public share: from its 32-byte v2 info-hash alone. */
  public static ShareSecret ofPublic(byte[] infoHash) {
    return new ShareSecret(derive(checkedInfoHash(infoHash).clone()));
  }

  /** The secret of an encrypted share (or encrypted folder): info-hash and key. */
  public static ShareSecret ofEncrypted(byte[] infoHash, ShareKey key) {
    byte[] ikm = new byte[INFO_HASH_BYTES + ShareKey.LENGTH];
    System.arraycopy(checkedInfoHash(infoHash), 0, ikm, 0, INFO_HASH_BYTES);
    byte[] k = key.bytes();
    System.arraycopy(k, 0, ikm, INFO_HASH_BYTES, ShareKey.LENGTH);
    Arrays.fill(k, (byte) 0);
    try {
      return new ShareSecret(derive(ikm));
    } finally {
      Arrays.fill(ikm, (byte) 0);
    }
  }

  /** The secret of the share a Shroud link names: with its key when it has one. */
  public static ShareSecret of(ShareLink link) {
    return link.key().map(k -> ofEncrypted(link.infoHash(), k)).orElseGet(() -> ofPublic(link.infoHash()));
  }

  /**
   * The secret of the share any parsed magnet names: a Shroud link's (with its key when
   * encrypted), an encrypted folder's (info-hash and folder key {@code x.fk}), or a public
   * share's from the info-hash alone (a bare magnet of another client).
   */
  public static ShareSecret of(Magnet magnet) {
    if (magnet.shareLink().isPresent()) {
      return of(magnet.shareLink().get());
    }
    return magnet.folderKey().map(k -> ofEncrypted(magnet.infoHash(), k))
        .orElseGet(() -> ofPublic(magnet.infoHash()));
  }

  /** The raw 32 bytes (a secret: for deriving, never for logs). */
  public byte[] bytes() {
    return secret.clone();
  }

  private static byte[] checkedInfoHash(byte[] infoHash) {
    if (infoHash == null || infoHash.length != INFO_HASH_BYTES) {
      throw new IllegalArgumentException("an info-hash is 32 bytes");
    }
    return infoHash;
  }

  static byte[] hkdf(byte[] ikm, byte[] info, int length) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(ikm, null, info));
    byte[] out = new byte[length];
    hkdf.generateBytes(out, 0, length);
    return out;
  }

  private static byte[] derive(byte[] ikm) {
    return hkdf(ikm, LABEL.getBytes(StandardCharsets.US_ASCII), BYTES);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShareSecret other && MessageDigest.isEqual(secret, other.secret);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(secret);
  }

  @Override
  public String toString() {
    return "ShareSecret[redacted]";
  }
}

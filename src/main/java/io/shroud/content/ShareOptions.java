package io.shroud.content;

import java.nio.file.Path;

/**
 * How {@link ShareBuilder} makes a share.
 *
 * @param encrypt true for an encrypted share (the default in Shroud), false for {@code --public}
 * @param ciphertextOut where an encrypted share's ciphertext is written (ignored when public)
 * @param pieceLength a power of two from 16 KiB to 16 MiB, or 0 for {@link PieceLengths#choose}
 * @param name the file name to publish, or {@code null} for the file's own name
 * @param mediaType the media type for the manifest, or {@code null} to probe it from the file
 *     (falling back to {@code application/octet-stream})
 * @param leavesOut where to write the leaf hash of every 16 KiB block of the shared bytes (32
 *     bytes each, in order), for a provider to build proofs without hashing; null for none
 */
public record ShareOptions(
    boolean encrypt, Path ciphertextOut, int pieceLength, String name, String mediaType, Path leavesOut) {

  public ShareOptions {
    if (encrypt && ciphertextOut == null) {
      throw new IllegalArgumentException("an encrypted share needs a ciphertext output path");
    }
    if (pieceLength != 0) {
      new PieceGeometry(0, pieceLength); // validates
    }
    if (name != null) {
      FileNames.check(name);
    }
  }

  public static ShareOptions encrypted(Path ciphertextOut) {
    return new ShareOptions(true, ciphertextOut, 0, null, null, null);
  }

  public static ShareOptions publicShare() {
    return new ShareOptions(false, null, 0, null, null, null);
  }

  public ShareOptions withPieceLength(int pl) {
    return new ShareOptions(encrypt, ciphertextOut, pl, name, mediaType, leavesOut);
  }

  public ShareOptions withName(String n) {
    return new ShareOptions(encrypt, ciphertextOut, pieceLength, n, mediaType, leavesOut);
  }

  public ShareOptions withMediaType(String t) {
    return new ShareOptions(encrypt, ciphertextOut, pieceLength, name, t, leavesOut);
  }

  public ShareOptions withLeavesOut(Path out) {
    return new ShareOptions(encrypt, ciphertextOut, pieceLength, name, mediaType, out);
  }
}

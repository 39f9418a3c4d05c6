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
 */
public record ShareOptions(
    boolean encrypt, Path ciphertextOut, int pieceLength, String name, String mediaType) {

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
    return new ShareOptions(true, ciphertextOut, 0, null, null);
  }

  public static ShareOptions publicShare() {
    return new ShareOptions(false, null, 0, null, null);
  }

  public ShareOptions withPieceLength(int pl) {
    return new ShareOptions(encrypt, ciphertextOut, pl, name, mediaType);
  }

  public ShareOptions withName(String n) {
    return new ShareOptions(encrypt, ciphertextOut, pieceLength, n, mediaType);
  }

  public ShareOptions withMediaType(String t) {
    return new ShareOptions(encrypt, ciphertextOut, pieceLength, name, t);
  }
}

package io.shroud.store;

import java.util.Arrays;

/**
 * Which pieces of a share make which stripe (docs/protocol.md §12.1): pieces in share order,
 * {@code K} to a stripe, the last stripe possibly shorter. Every fragment of a stripe is
 * {@code fragmentBytes} long (the share's piece length): a shorter piece is zero-padded, and the
 * data fragments a short last stripe lacks are zero fragments that are never stored (their
 * {@link #stored} is false), so that a stored fragment is never a predictable block.
 *
 * @param pieceBytes every piece's length, in share order (1 ≤ each ≤ {@code fragmentBytes})
 * @param fragmentBytes the length of every fragment: the share's piece length
 */
public record StripeLayout(int[] pieceBytes, int fragmentBytes, Redundancy redundancy) {
  public StripeLayout {
    if (fragmentBytes < 1) {
      throw new IllegalArgumentException("fragments must not be empty");
    }
    if (pieceBytes.length == 0) {
      throw new IllegalArgumentException("a stored share has at least one piece");
    }
    pieceBytes = pieceBytes.clone();
    for (int i = 0; i < pieceBytes.length; i++) {
      if (pieceBytes[i] < 1 || pieceBytes[i] > fragmentBytes) {
        throw new IllegalArgumentException("piece " + i + " is " + pieceBytes[i] + " bytes, not 1.."
            + fragmentBytes);
      }
    }
  }

  /** A single file of {@code length} bytes in pieces of {@code pieceLength} (the last one shorter). */
  public static StripeLayout ofFile(long length, int pieceLength, Redundancy redundancy) {
    if (length < 1 || pieceLength < 1) {
      throw new IllegalArgumentException("length and piece length must be positive");
    }
    long pieces = (length + pieceLength - 1) / pieceLength;
    if (pieces > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many pieces: " + pieces);
    }
    int[] bytes = new int[(int) pieces];
    Arrays.fill(bytes, pieceLength);
    bytes[bytes.length - 1] = (int) (length - (pieces - 1) * pieceLength);
    return new StripeLayout(bytes, pieceLength, redundancy);
  }

  @Override
  public int[] pieceBytes() {
    return pieceBytes.clone();
  }

  public int pieces() {
    return pieceBytes.length;
  }

  public int stripes() {
    return (pieceBytes.length + redundancy.data() - 1) / redundancy.data();
  }

  /** The share's index of data fragment 0 of {@code stripe}. */
  public int firstPiece(int stripe) {
    checkStripe(stripe);
    return stripe * redundancy.data();
  }

  /** How many of the stripe's {@code K} data fragments are pieces (the rest are zero fragments). */
  public int dataPieces(int stripe) {
    return Math.min(redundancy.data(), pieceBytes.length - firstPiece(stripe));
  }

  /** The length of piece {@code piece} (before padding). */
  public int pieceLength(int piece) {
    return pieceBytes[piece];
  }

  /** Whether fragment {@code index} of {@code stripe} is stored: every parity fragment, and the data fragments that are pieces. */
  public boolean stored(int stripe, int index) {
    if (index < 0 || index >= redundancy.total()) {
      throw new IllegalArgumentException("no fragment " + index + " in a " + redundancy + " stripe");
    }
    return index >= redundancy.data() || index < dataPieces(stripe);
  }

  /** Fragments stored for {@code stripe}: its pieces and its parity. */
  public int storedFragments(int stripe) {
    return dataPieces(stripe) + redundancy.parity();
  }

  private void checkStripe(int stripe) {
    if (stripe < 0 || stripe >= stripes()) {
      throw new IllegalArgumentException("no stripe " + stripe + " of " + stripes());
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StripeLayout other && fragmentBytes == other.fragmentBytes
        && redundancy.equals(other.redundancy) && Arrays.equals(pieceBytes, other.pieceBytes);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(pieceBytes) + fragmentBytes) + redundancy.hashCode();
  }

  @Override
  public String toString() {
    return "StripeLayout[" + pieceBytes.length + " pieces of up to " + fragmentBytes + " bytes, " + redundancy + ", "
        + stripes() + " stripes]";
  }
}

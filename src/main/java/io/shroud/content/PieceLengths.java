package io.shroud.content;

/**
 * Piece lengths: the automatic choice, and the check on one a person picks.
 *
 * <p>The automatic choice is libtorrent 2.0.8's ({@code create_torrent} with piece size 0,
 * {@code src/create_torrent.cpp}), so that a file shared public gets the same info-hash as
 * libtorrent gives it: 16 KiB shifted left by the number of entries of its size table that are
 * below the total size. The table aims at a piece list of about {@code 2·sqrt(size)} bytes of
 * SHA-1 hashes: up to 2 684 355 bytes 16 KiB, up to 10 737 418 bytes 32 KiB, … doubling each
 * time the size grows fourfold, up to 16 MiB pieces past 703 687 441 777 bytes. An empty file
 * (for which libtorrent makes no torrent) gets 16 KiB.
 */
public final class PieceLengths {
  public static final int MIN = PieceGeometry.BLOCK_SIZE;
  /** Largest piece length a share may have (and the largest the automatic rule picks). */
  public static final int MAX = PieceGeometry.MAX_PIECE_LENGTH;
  /**
   * Most pieces a share may have: its v2 piece layer (32 bytes each) and v1 piece hashes (20 bytes
   * each) must fit a {@code .torrent} that Shroud's own decoder reads ({@link Bencode#MAX_INPUT_LENGTH}).
   */
  public static final int MAX_PIECES = 1 << 18;

  /** libtorrent 2.0.8's size table: entry i is the largest size that gets 16 KiB &lt;&lt; i. */
  private static final long[] SIZE_TABLE = {
    2684355L, 10737418L, 42949673L, 171798692L, 687194767L,
    2748779069L, 10995116278L, 43980465111L, 175921860444L, 703687441777L,
  };

  private PieceLengths() {}

  /** The automatic piece length for a file of {@code fileLength} bytes (libtorrent's choice). */
  public static int choose(long fileLength) {
    if (fileLength < 0) {
      throw new IllegalArgumentException("negative file length");
    }
    int i = 0;
    for (long s : SIZE_TABLE) {
      if (s >= fileLength) {
        break;
      }
      i++;
    }
    return MIN << i;
  }

  /**
   * Why {@code pieceLength} cannot be chosen, or null if it can: a power of two from 16 KiB
   * ({@link #MIN}) to 16 MiB ({@link #MAX}).
   */
  public static String problem(long pieceLength) {
    if (pieceLength < MIN || pieceLength > MAX || Long.bitCount(pieceLength) != 1) {
      return "piece length must be a power of two from 16384 (16 KiB) to " + MAX
          + " (16 MiB), got " + pieceLength;
    }
    return null;
  }

  /**
   * Why a file of {@code length} bytes cannot have pieces of {@code pieceLength}, or null: the
   * piece length's own {@link #problem}, or more than {@link #MAX_PIECES} pieces.
   */
  public static String problem(long length, long pieceLength) {
    String p = problem(pieceLength);
    if (p != null) {
      return p;
    }
    long pieces = (length + pieceLength - 1) / pieceLength;
    if (pieces > MAX_PIECES) {
      return "piece length " + pieceLength + " gives " + pieces + " pieces, more than "
          + MAX_PIECES + ": choose a larger one";
    }
    return null;
  }
}

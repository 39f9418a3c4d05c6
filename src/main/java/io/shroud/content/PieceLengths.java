package io.shroud.content;

/**
 * The automatic piece-length rule: the smallest power of two from {@link #MIN} (16 KiB) to
 * {@link #MAX} (4 MiB) that splits the file into at most {@link #TARGET_PIECES} pieces. Files up
 * to 32 MiB get 16 KiB pieces; from there to 8 GiB a file has between 1025 and 2048 pieces; past
 * 8 GiB pieces stay at 4 MiB and their number grows (a 1 TiB file has 262 144).
 */
public final class PieceLengths {
  public static final int MIN = PieceGeometry.BLOCK_SIZE;
  public static final int MAX = 4 * 1024 * 1024;
  public static final int TARGET_PIECES = 2048;

  private PieceLengths() {}

  public static int choose(long fileLength) {
    if (fileLength < 0) {
      throw new IllegalArgumentException("negative file length");
    }
    int pl = MIN;
    while (pl < MAX && (fileLength + pl - 1) / pl > TARGET_PIECES) {
      pl <<= 1;
    }
    return pl;
  }
}

package io.shroud.content;

/**
 * The shape of one file's BEP 52 Merkle tree: its length and piece length, and everything that
 * follows from them (block and piece counts, the number of leaves, which layer is the piece
 * layer). Both the sharer and a downloader derive the same geometry from the share link, so
 * every proof length and padding rule is fixed before any untrusted byte arrives.
 *
 * <p>The tree's leaves are the SHA-256 hashes of the file's 16 KiB blocks (the last one may be
 * short and is hashed as is), padded with 32-byte zero hashes up to {@link #treeLeaves()}: the
 * next power of two above the block count, and never fewer than one piece's worth of leaves once
 * the file is longer than one piece. A "piece subtree" covers {@link #pieceLeaves()} leaves; for a
 * file shorter than a piece that is the whole (smaller) tree.
 *
 * @param length file length in bytes, 0 to {@link #MAX_LENGTH}
 * @param pieceLength a power of two from {@link #BLOCK_SIZE} to {@link #MAX_PIECE_LENGTH}
 */
public record PieceGeometry(long length, int pieceLength) {
  /** BEP 52's leaf block size: 16 KiB. */
  public static final int BLOCK_SIZE = 16 * 1024;
  /** Largest piece length Shroud accepts: 16 MiB (the automatic rule stops at 4 MiB). */
  public static final int MAX_PIECE_LENGTH = 16 * 1024 * 1024;
  /** Largest file length Shroud accepts: 1 TiB. */
  public static final long MAX_LENGTH = 1L << 40;

  public PieceGeometry {
    if (pieceLength < BLOCK_SIZE
        || pieceLength > MAX_PIECE_LENGTH
        || Integer.bitCount(pieceLength) != 1) {
      throw new IllegalArgumentException(
          "piece length must be a power of two from 16 KiB to 16 MiB, got " + pieceLength);
    }
    if (length < 0 || length > MAX_LENGTH) {
      throw new IllegalArgumentException("file length must be 0 to 2^40, got " + length);
    }
  }

  /** Number of 16 KiB blocks (the last may be short); 0 for an empty file. */
  public int blockCount() {
    return (int) ((length + BLOCK_SIZE - 1) / BLOCK_SIZE);
  }

  /** Number of pieces (the last may be short); 0 for an empty file. */
  public int pieceCount() {
    return (int) ((length + pieceLength - 1) / pieceLength);
  }

  public int blocksPerPiece() {
    return pieceLength / BLOCK_SIZE;
  }

  /** Leaves under one piece-layer node: one piece's blocks, or fewer for a file under one piece. */
  public int pieceLeaves() {
    return Math.min(blocksPerPiece(), nextPowerOfTwo(Math.max(1, blockCount())));
  }

  /** Leaves in the whole tree (a power of two); 0 for an empty file, which has no tree. */
  public long treeLeaves() {
    return length == 0 ? 0 : (long) pieceLeaves() * nextPowerOfTwo(pieceCount());
  }

  /** Number of uncle hashes in a block's proof to the root (the tree's height). */
  public int blockProofLength() {
    return Long.numberOfTrailingZeros(treeLeaves());
  }

  /** Number of uncle hashes from a block up to its piece-layer node. */
  public int blockInPieceProofLength() {
    return Integer.numberOfTrailingZeros(pieceLeaves());
  }

  /** Number of uncle hashes from a piece-layer node up to the root. */
  public int pieceProofLength() {
    return Integer.numberOfTrailingZeros(nextPowerOfTwo(pieceCount()));
  }

  /** Byte length of piece {@code index}. */
  public int pieceSize(int index) {
    checkPiece(index);
    long start = (long) index * pieceLength;
    return (int) Math.min(pieceLength, length - start);
  }

  /** Number of 16 KiB blocks in piece {@code index} (fewer in a short last piece). */
  public int blocksIn(int index) {
    return (pieceSize(index) + BLOCK_SIZE - 1) / BLOCK_SIZE;
  }

  /** Byte length of block {@code index}. */
  public int blockSize(int index) {
    if (index < 0 || index >= blockCount()) {
      throw new IllegalArgumentException(
          "block " + index + " is outside 0.." + (blockCount() - 1));
    }
    long start = (long) index * BLOCK_SIZE;
    return (int) Math.min(BLOCK_SIZE, length - start);
  }

  /** Byte offset where piece {@code index} starts. */
  public long pieceOffset(int index) {
    checkPiece(index);
    return (long) index * pieceLength;
  }

  void checkPiece(int index) {
    if (index < 0 || index >= pieceCount()) {
      throw new IllegalArgumentException(
          "piece " + index + " is outside 0.." + (pieceCount() - 1));
    }
  }

  static int nextPowerOfTwo(int n) {
    return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
  }
}

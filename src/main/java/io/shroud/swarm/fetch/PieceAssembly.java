package io.shroud.swarm.fetch;

import io.shroud.content.PieceGeometry;
import java.util.HashMap;
import java.util.Map;

/**
 * The pieces a download is putting together, and the complete ones on their way to disk: each
 * partial piece's array (from {@link PieceBuffers}) with the verified leaf hash of every block
 * copied in, and the bytes of complete pieces handed over for writing and not yet reported
 * written (the write backlog). Plain state for {@link DownloadRun}; not thread-safe, except its
 * {@link #buffers()}, which take arrays back from the thread that wrote them.
 */
final class PieceAssembly {
  /** A piece whose every block arrived: its bytes and its blocks' leaf hashes, in order. */
  record Piece(int index, byte[] data, byte[][] leaves) {}

  private final PieceGeometry geometry;
  private final long maxWriteBacklog;
  private final PieceBuffers buffers;
  private final Map<Integer, byte[]> arrays = new HashMap<>();
  private final Map<Integer, byte[][]> leaves = new HashMap<>();
  private long writeBacklog;

  PieceAssembly(PieceGeometry geometry, long maxWriteBacklog) {
    if (maxWriteBacklog < 1) {
      throw new IllegalArgumentException("the write backlog limit must be positive");
    }
    this.geometry = geometry;
    this.maxWriteBacklog = maxWriteBacklog;
    this.buffers = PieceBuffers.forPieceLength(geometry.pieceLength(), maxWriteBacklog);
  }

  /** Where the piece arrays come from and go back to once written and hashed. */
  PieceBuffers buffers() {
    return buffers;
  }

  /**
   * Copies a verified block ({@code length} bytes of {@code data}) into its piece at
   * {@code offset}, with {@code leaf}, its leaf hash, as block {@code index} of
   * {@code blocksInPiece}.
   */
  void addBlock(int piece, int offset, int index, int blocksInPiece, byte[] data, int length, byte[] leaf) {
    byte[] array = arrays.computeIfAbsent(piece, p -> buffers.take(geometry.pieceSize(p)));
    System.arraycopy(data, 0, array, offset, length);
    leaves.computeIfAbsent(piece, p -> new byte[blocksInPiece][])[index] = leaf;
  }

  /** Takes a piece whose every block was added out of the assembly. */
  Piece take(int piece) {
    byte[] data = arrays.remove(piece);
    byte[][] pieceLeaves = leaves.remove(piece);
    if (data == null || pieceLeaves == null) {
      throw new IllegalStateException("piece " + piece + " is not being assembled");
    }
    return new Piece(piece, data, pieceLeaves);
  }

  /** A taken piece goes to the part file: its bytes count against the backlog until written. */
  void handedOver(Piece piece) {
    writeBacklog += piece.data().length;
  }

  /** A taken piece that failed its check: its array is free again. */
  void discard(Piece piece) {
    buffers.give(piece.data());
  }

  /** A piece handed over is on disk. */
  void written(int piece) {
    writeBacklog = Math.max(0, writeBacklog - geometry.pieceSize(piece));
  }

  /** Bytes handed over and not yet written. */
  long writeBacklog() {
    return writeBacklog;
  }

  /** Whether as many bytes wait for the part file as the download allows. */
  boolean backlogFull() {
    return writeBacklog >= maxWriteBacklog;
  }

  /** A pause: partial pieces keep their arrays for the resume; spare arrays are let go. */
  void pause() {
    buffers.clear();
  }

  /** The download is over (finished, failed, cancelled): every array is let go, none kept after. */
  void end() {
    buffers.close();
    arrays.clear();
    leaves.clear();
  }
}

package io.shroud.swarm.fetch;

import io.shroud.content.PieceGeometry;
import io.shroud.swarm.transfer.TransferMessage;

/**
 * One piece being put together, free of Pekko: its blocks are checked on arrival against the
 * verified piece layer ({@link PieceVerifier}), copied into one array from {@link PieceBuffers}
 * with their leaf hashes, and once every block is in, the leaves must fold up to the piece hash.
 * Its {@link PieceDownloadActor} is the only caller; the array goes to the part-file writer
 * ({@link #handOver}) or back to the buffers ({@link #release}).
 */
final class PieceWork {
  /** What one block did to the piece. */
  enum Outcome {
    /** Verified and copied in; blocks are still missing. */
    ADDED,
    /** This block is already in (a late or doubled copy): nothing changed. */
    DUPLICATE,
    /** It fails its proof: the sender is at fault, the block is not kept. */
    BAD,
    /** The last block: every leaf folds up to the piece hash, the piece is ready to write. */
    COMPLETE,
    /** The last block, but the leaves do not fold up to the piece hash. */
    FAILED
  }

  private final int piece;
  private final int size;
  private final PieceVerifier verifier;
  private final PieceBuffers buffers;
  private final byte[][] leaves;
  private byte[] data;
  private int received;
  private boolean handedOver;

  PieceWork(int piece, PieceGeometry geometry, PieceVerifier verifier, PieceBuffers buffers) {
    this.piece = piece;
    this.size = geometry.pieceSize(piece);
    this.verifier = verifier;
    this.buffers = buffers;
    this.leaves = new byte[geometry.blocksIn(piece)][];
  }

  int piece() {
    return piece;
  }

  /** Checks a block of this piece (its proof costs one SHA-256 of its bytes) and keeps it if good. */
  Outcome accept(TransferMessage.Block block) {
    int index = block.offset() / PieceGeometry.BLOCK_SIZE;
    if (block.piece() != piece || index >= leaves.length) {
      return Outcome.BAD;
    }
    if (leaves[index] != null) {
      return Outcome.DUPLICATE;
    }
    byte[] leaf = verifier == null ? null : verifier.verifiedLeaf(block);
    if (leaf == null) {
      return Outcome.BAD;
    }
    add(block.offset(), index, block.sharedData(), block.length(), leaf);
    if (!complete()) {
      return Outcome.ADDED;
    }
    return verifier.verifyPieceLeaves(piece, leaves) ? Outcome.COMPLETE : Outcome.FAILED;
  }

  /**
   * Copies {@code length} bytes of {@code bytes} in at {@code offset}, with {@code leaf}, the leaf
   * hash they were verified with, as block {@code index}. The array is taken at the first block.
   */
  void add(int offset, int index, byte[] bytes, int length, byte[] leaf) {
    if (handedOver) {
      throw new IllegalStateException("piece " + piece + " was handed over");
    }
    if (data == null) {
      data = buffers.take(size);
    }
    System.arraycopy(bytes, 0, data, offset, length);
    if (leaves[index] == null) {
      received++;
    }
    leaves[index] = leaf;
  }

  boolean complete() {
    return received == leaves.length;
  }

  /** The complete piece's bytes and leaves, given up: the writer owns the array from now on. */
  DownloadStore.PieceData handOver(long offset) {
    if (!complete() || handedOver) {
      throw new IllegalStateException("piece " + piece + " is not complete or was handed over");
    }
    handedOver = true;
    return new DownloadStore.PieceData(piece, offset, data, leaves);
  }

  /** Gives the array back for another piece unless it was handed over (idempotent). */
  void release() {
    if (data != null && !handedOver) {
      buffers.give(data);
    }
    data = null;
  }
}

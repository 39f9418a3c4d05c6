package io.shroud.swarm.fetch;

import io.shroud.content.Merkle;
import io.shroud.content.MerkleTree;
import io.shroud.content.PieceGeometry;
import io.shroud.swarm.pick.PiecePicker;
import io.shroud.swarm.transfer.TransferMessage;
import java.util.List;
import java.util.Objects;

/**
 * Checks what providers send against a share's verified piece layer, by calling
 * {@link Merkle}; it adds no hashing of its own.
 *
 * <ul>
 *   <li>{@link #verifyBlock}: a BLOCK on arrival, with its in-piece proof, against the piece's
 *       hash ({@link Merkle#verifyBlockInPiece}). A failure is the sender's fault for sure:
 *       {@link PiecePicker#reportBadBlock} and drop the block.
 *   <li>{@link #verifyPieceLeaves}: the completed piece before it is written, from the leaf
 *       hashes its blocks were verified with ({@link #verifiedLeaf}): the leaves must fold up
 *       to the piece hash, so every block is accounted for at its own index. This costs a few
 *       64-byte hashes instead of a second SHA-256 pass over the piece's bytes. A failure goes
 *       to {@link PiecePicker#pieceFailed}, which decides the blame: a sole contributor is
 *       banned at once, several contributors get one strike each.
 *   <li>{@link #verifyPiece}: a piece's bytes as a whole ({@link Merkle#verifyPiece}), for
 *       bytes read back from disk (the re-check on resume).
 * </ul>
 */
public final class PieceVerifier {
  private final MerkleTree tree;

  /** A verifier over a piece layer already checked against the link's pieces root. */
  public PieceVerifier(MerkleTree tree) {
    this.tree = Objects.requireNonNull(tree, "tree");
    if (!tree.hasRoot()) {
      throw new IllegalArgumentException("an empty share has nothing to verify");
    }
  }

  public PieceGeometry geometry() {
    return tree.geometry();
  }

  /** The verified piece layer, to persist so that a resumed download need not fetch it again. */
  public byte[] pieceLayerBytes() {
    return tree.pieceLayerBytes();
  }

  /**
   * True if {@code data} is block {@code index} of {@code piece}, given its uncle hashes inside
   * the piece's subtree (sibling first). False for any out-of-range or mis-sized input.
   */
  public boolean verifyBlock(int piece, int index, byte[] data, List<byte[]> proof) {
    return verifiedLeaf(piece, index, data, proof) != null;
  }

  /** {@link #verifyBlock(int, int, byte[], List)} for a received BLOCK message. */
  public boolean verifyBlock(TransferMessage.Block block) {
    return verifiedLeaf(block) != null;
  }

  /**
   * The leaf hash of a received BLOCK if it passes {@link #verifyBlock(TransferMessage.Block)},
   * else null.
   */
  public byte[] verifiedLeaf(TransferMessage.Block block) {
    if (block.offset() % PieceGeometry.BLOCK_SIZE != 0) {
      return null;
    }
    return verifiedLeaf(block.piece(), block.offset() / PieceGeometry.BLOCK_SIZE, block.sharedData(),
        block.proofHashes());
  }

  private byte[] verifiedLeaf(int piece, int index, byte[] data, List<byte[]> proof) {
    PieceGeometry g = tree.geometry();
    if (piece < 0 || piece >= g.pieceCount() || index < 0
        || (long) index * PieceGeometry.BLOCK_SIZE >= g.pieceSize(piece)) {
      return null;
    }
    int block = (int) (g.pieceOffset(piece) / PieceGeometry.BLOCK_SIZE) + index;
    return Merkle.verifiedLeafInPiece(g, tree.pieceHash(piece), block, data, proof);
  }

  /** True if {@code leaves}, one verified leaf hash per block of {@code piece}, fold up to its hash. */
  public boolean verifyPieceLeaves(int piece, byte[][] leaves) {
    PieceGeometry g = tree.geometry();
    if (piece < 0 || piece >= g.pieceCount()) {
      return false;
    }
    return Merkle.verifyPieceLeaves(g, tree.pieceHash(piece), piece, leaves);
  }

  /** True if {@code data} is exactly piece {@code piece}. */
  public boolean verifyPiece(int piece, byte[] data) {
    PieceGeometry g = tree.geometry();
    if (piece < 0 || piece >= g.pieceCount()) {
      return false;
    }
    return Merkle.verifyPiece(g, tree.pieceHash(piece), piece, data);
  }
}

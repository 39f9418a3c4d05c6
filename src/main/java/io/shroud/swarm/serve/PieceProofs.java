package io.shroud.swarm.serve;

import io.shroud.content.Merkle;
import io.shroud.content.MerkleTree;
import io.shroud.content.PieceGeometry;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-piece Merkle subtree of one piece a provider is serving: its layers from the 16 KiB
 * leaf hashes up to the piece hash (at most 2 × 1024 hashes, 64 KiB, for a 16 MiB piece), kept
 * while blocks of that piece are served so each BLOCK's proof costs no hashing. Built from the
 * piece's bytes ({@link #of}) or from the leaf hashes stored when the share was made
 * ({@link #fromLeaves}), and either way checked against the piece layer. The subtree follows
 * BEP 52: leaves past the end of the file are zero hashes. Not thread-safe; immutable after
 * construction.
 */
final class PieceProofs {
  private final int piece;
  private final List<byte[][]> layers;

  private PieceProofs(int piece, List<byte[][]> layers) {
    this.piece = piece;
    this.layers = layers;
  }

  /**
   * Hashes {@code data} (piece {@code piece} of {@code tree}'s file) into its subtree.
   *
   * @throws IllegalArgumentException if the data is not that piece (size or hash differs)
   */
  static PieceProofs of(MerkleTree tree, int piece, byte[] data) {
    PieceGeometry g = tree.geometry();
    if (piece < 0 || piece >= g.pieceCount() || data.length != g.pieceSize(piece)) {
      throw new IllegalArgumentException("not piece " + piece + " of this share");
    }
    MessageDigest md = Merkle.sha256();
    byte[][] layer = new byte[g.pieceLeaves()][];
    for (int i = 0; i < layer.length; i++) {
      int off = i * PieceGeometry.BLOCK_SIZE;
      if (off < data.length) {
        md.update(data, off, Math.min(PieceGeometry.BLOCK_SIZE, data.length - off));
        layer[i] = md.digest();
      } else {
        layer[i] = new byte[Merkle.HASH_LENGTH];
      }
    }
    PieceProofs proofs = fold(tree, piece, layer, md);
    if (proofs == null) {
      throw new IllegalArgumentException("piece " + piece + " does not match its piece hash");
    }
    return proofs;
  }


  /**
   * The subtree of piece {@code piece} from the leaf hashes of its blocks ({@code blocks × 32}
   * bytes, in order), or null when they do not fold up to the piece hash (a damaged leaves file:
   * the caller hashes the piece instead).
   */
  static PieceProofs fromLeaves(MerkleTree tree, int piece, byte[] leafHashes) {
    PieceGeometry g = tree.geometry();
    if (piece < 0 || piece >= g.pieceCount()) {
      throw new IllegalArgumentException("not piece " + piece + " of this share");
    }
    int blocks = g.blocksIn(piece);
    if (leafHashes.length != blocks * Merkle.HASH_LENGTH) {
      return null;
    }
    byte[][] layer = new byte[g.pieceLeaves()][];
    for (int i = 0; i < layer.length; i++) {
      layer[i] = i < blocks
          ? java.util.Arrays.copyOfRange(leafHashes, i * Merkle.HASH_LENGTH, (i + 1) * Merkle.HASH_LENGTH)
          : new byte[Merkle.HASH_LENGTH];
    }
    return fold(tree, piece, layer, Merkle.sha256());
  }

  /** The layers above {@code layer} up to the piece hash, or null if they do not reach it. */
  private static PieceProofs fold(MerkleTree tree, int piece, byte[][] layer, MessageDigest md) {
    List<byte[][]> layers = new ArrayList<>();
    layers.add(layer);
    while (layer.length > 1) {
      byte[][] up = new byte[layer.length / 2][];
      for (int i = 0; i < up.length; i++) {
        md.update(layer[2 * i]);
        md.update(layer[2 * i + 1]);
        up[i] = md.digest();
      }
      layers.add(up);
      layer = up;
    }
    if (!MessageDigest.isEqual(layer[0], tree.pieceHash(piece))) {
      return null;
    }
    return new PieceProofs(piece, layers);
  }

  int piece() {
    return piece;
  }

  /** The uncle hashes of block {@code index} of this piece, sibling first (what BLOCK carries). */
  List<byte[]> proof(int index) {
    if (index < 0 || index >= layers.get(0).length) {
      throw new IllegalArgumentException("no block " + index + " in piece " + piece);
    }
    List<byte[]> out = new ArrayList<>();
    int i = index;
    for (int level = 0; level < layers.size() - 1; level++) {
      out.add(layers.get(level)[i ^ 1].clone());
      i >>>= 1;
    }
    return out;
  }
}

package io.shroud.content;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * BEP 52 Merkle-tree arithmetic over SHA-256: hashing pieces, rebuilding the root from a piece
 * layer, and checking blocks and pieces against a root or a piece-layer hash. Every check takes
 * the {@link PieceGeometry}, so proof lengths and sizes are fixed by the share link, not by the
 * sender of the proof. Verification methods return {@code false} for any mismatch (wrong data,
 * wrong proof length, wrong size, out-of-range index) and never throw on untrusted input other
 * than {@code null}.
 */
public final class Merkle {
  /** Length of a SHA-256 hash. */
  public static final int HASH_LENGTH = 32;

  /** zero[h] is the root of a subtree of height h whose leaves are all zero hashes. */
  private static final byte[][] ZERO = new byte[64][];

  static {
    ZERO[0] = new byte[HASH_LENGTH];
    MessageDigest md = sha256();
    for (int h = 1; h < ZERO.length; h++) {
      ZERO[h] = parent(md, ZERO[h - 1], ZERO[h - 1]);
    }
  }

  private Merkle() {}

  /** A fresh SHA-256 digest (the JDK always has one; its absence is an {@link IllegalStateException}). */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  static byte[] parent(MessageDigest md, byte[] left, byte[] right) {
    md.update(left);
    md.update(right);
    return md.digest();
  }

  /** Root of a subtree of height {@code height} whose leaves are all zero hashes. */
  public static byte[] zeroSubtree(int height) {
    return ZERO[height].clone();
  }

  /** Hash of piece {@code index} (its subtree root), computed from the piece's bytes. */
  public static byte[] pieceHash(PieceGeometry g, int index, byte[] data) {
    if (data.length != g.pieceSize(index)) {
      throw new IllegalArgumentException(
          "piece " + index + " must be " + g.pieceSize(index) + " bytes, got " + data.length);
    }
    return subtreeLayers(g, data).get(Integer.numberOfTrailingZeros(g.pieceLeaves()))[0];
  }

  /**
   * All layers of one piece's subtree, leaves first: layer 0 holds {@code pieceLeaves} hashes
   * (zero hashes past the data), the last layer holds the piece hash.
   */
  static List<byte[][]> subtreeLayers(PieceGeometry g, byte[] data) {
    MessageDigest md = sha256();
    int leaves = g.pieceLeaves();
    byte[][] layer = new byte[leaves][];
    for (int i = 0; i < leaves; i++) {
      int off = i * PieceGeometry.BLOCK_SIZE;
      if (off < data.length) {
        md.update(data, off, Math.min(PieceGeometry.BLOCK_SIZE, data.length - off));
        layer[i] = md.digest();
      } else {
        layer[i] = ZERO[0];
      }
    }
    List<byte[][]> layers = new ArrayList<>();
    layers.add(layer);
    while (layer.length > 1) {
      byte[][] up = new byte[layer.length / 2][];
      for (int i = 0; i < up.length; i++) {
        up[i] = parent(md, layer[2 * i], layer[2 * i + 1]);
      }
      layers.add(up);
      layer = up;
    }
    return layers;
  }

  /**
   * The pieces root from a complete piece layer: the layer is padded to a power of two with the
   * root of an all-zero piece subtree (not with zero hashes: those pad the leaf layer).
   */
  public static byte[] rootFromPieceLayer(PieceGeometry g, List<byte[]> pieceLayer) {
    if (pieceLayer.size() != g.pieceCount() || g.pieceCount() == 0) {
      throw new IllegalArgumentException(
          "piece layer has " + pieceLayer.size() + " hashes, the file has " + g.pieceCount()
              + " pieces");
    }
    return foldLayers(g, pieceLayer).get(g.pieceProofLength())[0];
  }

  /** Layers above the piece layer, piece layer first (padded), root last. */
  static List<byte[][]> foldLayers(PieceGeometry g, List<byte[]> pieceLayer) {
    MessageDigest md = sha256();
    byte[] pad = ZERO[g.blockInPieceProofLength()];
    byte[][] layer = new byte[PieceGeometry.nextPowerOfTwo(pieceLayer.size())][];
    for (int i = 0; i < layer.length; i++) {
      layer[i] = i < pieceLayer.size() ? pieceLayer.get(i) : pad;
    }
    List<byte[][]> layers = new ArrayList<>();
    layers.add(layer);
    while (layer.length > 1) {
      byte[][] up = new byte[layer.length / 2][];
      for (int i = 0; i < up.length; i++) {
        up[i] = parent(md, layer[2 * i], layer[2 * i + 1]);
      }
      layers.add(up);
      layer = up;
    }
    return layers;
  }

  /** True if {@code pieceLayer} is complete, well formed and hashes up to {@code root}. */
  public static boolean verifyPieceLayer(PieceGeometry g, byte[] root, List<byte[]> pieceLayer) {
    if (g.pieceCount() == 0 || pieceLayer.size() != g.pieceCount()) {
      return false;
    }
    for (byte[] h : pieceLayer) {
      if (h == null || h.length != HASH_LENGTH) {
        return false;
      }
    }
    return MessageDigest.isEqual(rootFromPieceLayer(g, pieceLayer), root);
  }

  /** True if {@code data} is exactly piece {@code index} of the file whose piece hash is given. */
  public static boolean verifyPiece(PieceGeometry g, byte[] pieceHash, int index, byte[] data) {
    if (index < 0 || index >= g.pieceCount() || data.length != g.pieceSize(index)) {
      return false;
    }
    return MessageDigest.isEqual(pieceHash(g, index, data), pieceHash);
  }

  /**
   * True if {@code block} is block {@code blockIndex} of the file with pieces root {@code root},
   * given its uncle hashes from the leaf's sibling up to the root's child.
   */
  public static boolean verifyBlock(
      PieceGeometry g, byte[] root, int blockIndex, byte[] block, List<byte[]> proof) {
    if (g.length() == 0 || proof.size() != g.blockProofLength()) {
      return false;
    }
    return climb(g, blockIndex, block, proof, root);
  }

  /**
   * True if {@code block} is block {@code blockIndex} of the piece whose piece-layer hash is
   * {@code pieceHash}, given its uncles inside that piece's subtree.
   */
  public static boolean verifyBlockInPiece(
      PieceGeometry g, byte[] pieceHash, int blockIndex, byte[] block, List<byte[]> proof) {
    return verifiedLeafInPiece(g, pieceHash, blockIndex, block, proof) != null;
  }

  /**
   * {@link #verifyBlockInPiece}, returning the block's leaf hash when it checks out (null when
   * not), so that the piece can later be checked from its leaves without hashing its bytes again.
   */
  public static byte[] verifiedLeafInPiece(
      PieceGeometry g, byte[] pieceHash, int blockIndex, byte[] block, List<byte[]> proof) {
    if (g.length() == 0 || proof.size() != g.blockInPieceProofLength()) {
      return null;
    }
    return climbToLeaf(g, blockIndex, block, proof, pieceHash);
  }

  /**
   * True if the leaf hashes {@code leaves} (one per block of piece {@code index}, in order) fold
   * up to {@code pieceHash}; the subtree is padded with zero hashes past the piece's last block.
   */
  public static boolean verifyPieceLeaves(PieceGeometry g, byte[] pieceHash, int index, byte[][] leaves) {
    if (index < 0 || index >= g.pieceCount() || pieceHash == null || pieceHash.length != HASH_LENGTH) {
      return false;
    }
    int blocks = g.blocksIn(index);
    if (leaves.length != blocks) {
      return false;
    }
    MessageDigest md = sha256();
    byte[][] layer = new byte[g.pieceLeaves()][];
    for (int i = 0; i < layer.length; i++) {
      if (i < blocks && (leaves[i] == null || leaves[i].length != HASH_LENGTH)) {
        return false;
      }
      layer[i] = i < blocks ? leaves[i] : ZERO[0];
    }
    while (layer.length > 1) {
      byte[][] up = new byte[layer.length / 2][];
      for (int i = 0; i < up.length; i++) {
        up[i] = parent(md, layer[2 * i], layer[2 * i + 1]);
      }
      layer = up;
    }
    return MessageDigest.isEqual(layer[0], pieceHash);
  }

  private static boolean climb(
      PieceGeometry g, int blockIndex, byte[] block, List<byte[]> proof, byte[] expected) {
    return climbToLeaf(g, blockIndex, block, proof, expected) != null;
  }

  /** The leaf hash of {@code block} if it climbs through {@code proof} to {@code expected}, else null. */
  private static byte[] climbToLeaf(
      PieceGeometry g, int blockIndex, byte[] block, List<byte[]> proof, byte[] expected) {
    if (blockIndex < 0 || blockIndex >= g.blockCount()
        || block.length != g.blockSize(blockIndex)
        || expected == null || expected.length != HASH_LENGTH) {
      return null;
    }
    MessageDigest md = sha256();
    byte[] leaf = md.digest(block);
    byte[] h = leaf;
    long index = blockIndex;
    for (byte[] uncle : proof) {
      if (uncle == null || uncle.length != HASH_LENGTH) {
        return null;
      }
      h = (index & 1) == 0 ? parent(md, h, uncle) : parent(md, uncle, h);
      index >>>= 1;
    }
    return MessageDigest.isEqual(h, expected) ? leaf : null;
  }
}

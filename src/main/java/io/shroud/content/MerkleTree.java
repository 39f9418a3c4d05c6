package io.shroud.content;

import java.util.ArrayList;
import java.util.List;

/**
 * The part of a file's BEP 52 Merkle tree a sharer keeps: the piece layer and the root. It is
 * 32 bytes per piece (a 4 GiB file with 4 MiB pieces keeps 32 KiB). Proofs for single blocks
 * need the block's siblings inside its piece, which the sharer recomputes from the piece's bytes
 * when it serves the block ({@link #blockProof}).
 *
 * <p>An empty file has no tree: {@link #hasRoot()} is false and there are no pieces.
 */
public final class MerkleTree {
  private final PieceGeometry geometry;
  private final byte[][] pieceLayer;
  private final List<byte[][]> upper;

  /** Builds the tree from a piece layer (hashes are copied); use {@link Bep52Hasher} to make one. */
  public MerkleTree(PieceGeometry geometry, List<byte[]> pieceLayer) {
    this.geometry = geometry;
    if (pieceLayer.size() != geometry.pieceCount()) {
      throw new IllegalArgumentException(
          "piece layer has " + pieceLayer.size() + " hashes, geometry says " + geometry.pieceCount());
    }
    this.pieceLayer = new byte[pieceLayer.size()][];
    for (int i = 0; i < this.pieceLayer.length; i++) {
      byte[] h = pieceLayer.get(i);
      if (h.length != Merkle.HASH_LENGTH) {
        throw new IllegalArgumentException("piece hash " + i + " is not 32 bytes");
      }
      this.pieceLayer[i] = h.clone();
    }
    this.upper = geometry.length() == 0 ? List.of() : Merkle.foldLayers(geometry, pieceLayer);
  }

  /**
   * Rebuilds a tree from a concatenated piece layer (as stored in a .torrent or received from a
   * peer) and checks it against {@code root}; {@code root} is null only for an empty file.
   *
   * @throws IllegalArgumentException if the layer is malformed or does not hash to {@code root}
   */
  public static MerkleTree fromPieceLayerBytes(PieceGeometry geometry, byte[] layer, byte[] root) {
    if (layer.length != geometry.pieceCount() * Merkle.HASH_LENGTH) {
      throw new IllegalArgumentException("piece layer must be " + geometry.pieceCount()
          + " hashes of 32 bytes, got " + layer.length + " bytes");
    }
    List<byte[]> hashes = new ArrayList<>();
    for (int i = 0; i < layer.length; i += Merkle.HASH_LENGTH) {
      hashes.add(java.util.Arrays.copyOfRange(layer, i, i + Merkle.HASH_LENGTH));
    }
    if (geometry.length() == 0 ? root != null : !Merkle.verifyPieceLayer(geometry, root, hashes)) {
      throw new IllegalArgumentException("piece layer does not hash to the pieces root");
    }
    return new MerkleTree(geometry, hashes);
  }

  public PieceGeometry geometry() {
    return geometry;
  }

  /** False only for an empty file, which BEP 52 gives no pieces root. */
  public boolean hasRoot() {
    return geometry.length() > 0;
  }

  /** The pieces root; throws {@link IllegalStateException} for an empty file. */
  public byte[] root() {
    if (!hasRoot()) {
      throw new IllegalStateException("an empty file has no pieces root");
    }
    return upper.get(upper.size() - 1)[0].clone();
  }

  /** Piece-layer hashes, one per piece (copies). */
  public List<byte[]> pieceLayer() {
    List<byte[]> out = new ArrayList<>(pieceLayer.length);
    for (byte[] h : pieceLayer) {
      out.add(h.clone());
    }
    return out;
  }

  /** The piece layer concatenated, as a .torrent's {@code piece layers} value holds it. */
  public byte[] pieceLayerBytes() {
    byte[] out = new byte[pieceLayer.length * Merkle.HASH_LENGTH];
    for (int i = 0; i < pieceLayer.length; i++) {
      System.arraycopy(pieceLayer[i], 0, out, i * Merkle.HASH_LENGTH, Merkle.HASH_LENGTH);
    }
    return out;
  }

  public byte[] pieceHash(int index) {
    geometry.checkPiece(index);
    return pieceLayer[index].clone();
  }

  /** Uncles of piece {@code index}'s node, from its sibling up to the root's child. */
  public List<byte[]> pieceProof(int index) {
    geometry.checkPiece(index);
    List<byte[]> proof = new ArrayList<>();
    int i = index;
    for (int level = 0; level < upper.size() - 1; level++) {
      proof.add(upper.get(level)[i ^ 1].clone());
      i >>>= 1;
    }
    return proof;
  }

  /**
   * Uncles of block {@code blockIndex} from its sibling up to the root's child, given the bytes
   * of the piece that holds it. The first {@link PieceGeometry#blockInPieceProofLength()} of them
   * prove the block against its piece hash; the rest are {@link #pieceProof}.
   *
   * @throws IllegalArgumentException if {@code pieceData} is not that piece (wrong length or hash)
   */
  public List<byte[]> blockProof(int blockIndex, byte[] pieceData) {
    geometry.blockSize(blockIndex);
    int piece = blockIndex / geometry.blocksPerPiece();
    List<byte[][]> sub = Merkle.subtreeLayers(geometry, pieceData);
    if (pieceData.length != geometry.pieceSize(piece)
        || !java.security.MessageDigest.isEqual(
            sub.get(sub.size() - 1)[0], pieceLayer[piece])) {
      throw new IllegalArgumentException("piece data does not match piece " + piece + "'s hash");
    }
    List<byte[]> proof = new ArrayList<>();
    int i = blockIndex % geometry.pieceLeaves();
    for (int level = 0; level < sub.size() - 1; level++) {
      proof.add(sub.get(level)[i ^ 1].clone());
      i >>>= 1;
    }
    proof.addAll(pieceProof(piece));
    return proof;
  }
}

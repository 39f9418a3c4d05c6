package io.shroud.swarm.fetch;

import io.shroud.content.Merkle;
import io.shroud.content.MerkleTree;
import io.shroud.content.PieceGeometry;
import io.shroud.swarm.transfer.TransferCodec;
import io.shroud.swarm.transfer.TransferMessage.HashLayer;
import io.shroud.swarm.transfer.TransferMessage.HashRequest;
import io.shroud.swarm.transfer.TransferMessage.Hashes;
import io.shroud.swarm.transfer.TransferProtocolException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * Fetches a share's piece layer from one provider in HASH_REQUEST ranges of at most
 * {@link TransferCodec#MAX_HASHES_PER_MESSAGE} hashes and, once it has every range, checks it
 * against the pieces root from the link ({@link MerkleTree#fromPieceLayerBytes}). One assembler
 * per provider attempt: a layer that does not hash to the root is that provider's fault alone,
 * so the caller strikes it and starts over with another provider. A share of one piece needs no
 * request (its piece hash is the root). Not thread-safe.
 */
public final class PieceLayerAssembler {
  private final PieceGeometry geometry;
  private final byte[] root;
  private final byte[] layer;
  private final int ranges;
  private final BitSet requested = new BitSet();
  private final BitSet received = new BitSet();

  /** For a non-empty share with geometry {@code geometry} and pieces root {@code root}. */
  public PieceLayerAssembler(PieceGeometry geometry, byte[] root) {
    this.geometry = Objects.requireNonNull(geometry, "geometry");
    if (geometry.length() == 0) {
      throw new IllegalArgumentException("an empty share has no piece layer");
    }
    if (root == null || root.length != Merkle.HASH_LENGTH) {
      throw new IllegalArgumentException("pieces root must be 32 bytes");
    }
    this.root = root.clone();
    this.layer = new byte[geometry.pieceCount() * Merkle.HASH_LENGTH];
    this.ranges = geometry.pieceCount() == 1 ? 0
        : (geometry.pieceCount() + TransferCodec.MAX_HASHES_PER_MESSAGE - 1)
            / TransferCodec.MAX_HASHES_PER_MESSAGE;
    if (ranges == 0) {
      System.arraycopy(root, 0, layer, 0, Merkle.HASH_LENGTH);
    }
  }

  /** Up to {@code max} requests for ranges neither received nor in flight, in order. */
  public List<HashRequest> nextRequests(int max) {
    List<HashRequest> out = new ArrayList<>();
    for (int r = requested.nextClearBit(0); r < ranges && out.size() < max;
        r = requested.nextClearBit(r + 1)) {
      requested.set(r);
      int index = r * TransferCodec.MAX_HASHES_PER_MESSAGE;
      int count = Math.min(TransferCodec.MAX_HASHES_PER_MESSAGE, geometry.pieceCount() - index);
      out.add(new HashRequest(HashLayer.PIECES, index, count));
    }
    return out;
  }

  /**
   * Takes a HASHES reply.
   *
   * @throws TransferProtocolException if it answers no outstanding request exactly
   */
  public void accept(Hashes reply) throws TransferProtocolException {
    int size = TransferCodec.MAX_HASHES_PER_MESSAGE;
    int r = reply.index() / size;
    if (reply.layer() != HashLayer.PIECES || reply.index() % size != 0 || r >= ranges
        || !requested.get(r) || received.get(r)
        || reply.hashCount() != Math.min(size, geometry.pieceCount() - reply.index())) {
      throw new TransferProtocolException("HASHES reply answers no outstanding request");
    }
    System.arraycopy(reply.hashes(), 0, layer, reply.index() * Merkle.HASH_LENGTH,
        reply.hashCount() * Merkle.HASH_LENGTH);
    received.set(r);
  }

  /** True once every range has arrived. */
  public boolean complete() {
    return received.cardinality() == ranges;
  }

  /** Ranges received so far, out of {@link #rangeCount()}. */
  public int rangesReceived() {
    return received.cardinality();
  }

  public int rangeCount() {
    return ranges;
  }

  /**
   * The verified layer, once {@link #complete()}.
   *
   * @throws TransferProtocolException if the provider's hashes do not hash to the pieces root
   * @throws IllegalStateException if ranges are still missing
   */
  public PieceVerifier verifier() throws TransferProtocolException {
    if (!complete()) {
      throw new IllegalStateException("piece layer is incomplete");
    }
    try {
      return new PieceVerifier(MerkleTree.fromPieceLayerBytes(geometry, layer, root));
    } catch (IllegalArgumentException e) {
      throw new TransferProtocolException("piece layer does not hash to the pieces root");
    }
  }

  @Override
  public String toString() {
    return "PieceLayerAssembler[" + rangesReceived() + "/" + ranges + " ranges]";
  }
}

package io.shroud.swarm.transfer;

import io.shroud.content.Merkle;
import io.shroud.content.PieceGeometry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One message of the transfer protocol spoken on a stream to a provider's {@code transfer}
 * service ({@code docs/protocol.md} §8.3). Each record checks its own fields against the
 * limits in {@link TransferCodec} and throws {@link IllegalArgumentException} when built with bad
 * values; {@link TransferCodec} turns that into {@link TransferProtocolException} for received
 * bytes. Byte arrays are copied in and out.
 */
public sealed interface TransferMessage {

  /** The type byte of this message. */
  TransferMessageType type();

  /** Why a provider turns a HELLO away. */
  enum RefuseReason {
    UNKNOWN_SHARE(1), STALE(2), BUSY(3), RATE_LIMITED(4);

    final int code;

    RefuseReason(int code) {
      this.code = code;
    }

    static RefuseReason of(int code) {
      for (RefuseReason r : values()) {
        if (r.code == code) {
          return r;
        }
      }
      return null;
    }
  }

  /** Why a provider does not serve one block request. */
  enum RejectReason {
    NOT_AVAILABLE(1), BUSY(2), RATE_LIMITED(3);

    final int code;

    RejectReason(int code) {
      this.code = code;
    }

    static RejectReason of(int code) {
      for (RejectReason r : values()) {
        if (r.code == code) {
          return r;
        }
      }
      return null;
    }
  }

  /** Which layer of the BEP 52 tree a hash request addresses (only the piece layer for now). */
  enum HashLayer {
    PIECES(0);

    final int code;

    HashLayer(int code) {
      this.code = code;
    }

    static HashLayer of(int code) {
      return code == 0 ? PIECES : null;
    }
  }

  /** Downloader → provider: "do you have share {@code infoHash}?" (protocol version 1). */
  record Hello(byte[] infoHash) implements TransferMessage {
    public Hello {
      if (infoHash == null || infoHash.length != TransferCodec.INFO_HASH_BYTES) {
        throw new IllegalArgumentException("info-hash must be 32 bytes");
      }
      infoHash = infoHash.clone();
    }

    @Override
    public byte[] infoHash() {
      return infoHash.clone();
    }

    @Override
    public TransferMessageType type() {
      return TransferMessageType.HELLO;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Hello h && Arrays.equals(infoHash, h.infoHash);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(infoHash);
    }

    @Override
    public String toString() {
      return "Hello[" + HexFormat.of().formatHex(infoHash, 0, 4) + "…]";
    }
  }

  /**
   * Provider → downloader: the pieces it has. Either {@code all}, or the pieces set in
   * {@code pieces} among {@code [first, first + count)} (absolute indices); a later HAVE adds to
   * the earlier ones.
   */
  record Have(boolean all, int first, int count, BitSet pieces) implements TransferMessage {
    public Have {
      Objects.requireNonNull(pieces, "pieces");
      if (all) {
        if (first != 0 || count != 0 || !pieces.isEmpty()) {
          throw new IllegalArgumentException("HAVE all carries no range");
        }
      } else {
        if (count < 1 || count > TransferCodec.MAX_HAVE_PIECES) {
          throw new IllegalArgumentException(
              "HAVE range must cover 1.." + TransferCodec.MAX_HAVE_PIECES + " pieces, got " + count);
        }
        if (first < 0 || (long) first + count > TransferCodec.MAX_PIECE_COUNT) {
          throw new IllegalArgumentException("HAVE range runs past the largest piece index");
        }
        if (pieces.nextSetBit(0) >= 0
            && (pieces.nextSetBit(0) < first || pieces.length() > first + count)) {
          throw new IllegalArgumentException("HAVE bits lie outside the range");
        }
      }
      pieces = (BitSet) pieces.clone();
    }

    /** HAVE for a provider with the whole share. */
    public static Have allPieces() {
      return new Have(true, 0, 0, new BitSet());
    }

    @Override
    public BitSet pieces() {
      return (BitSet) pieces.clone();
    }

    @Override
    public TransferMessageType type() {
      return TransferMessageType.HAVE;
    }
  }

  /** Provider → downloader: no service for this share; retry after the given seconds (0: never). */
  record Refuse(RefuseReason reason, int retryAfterSeconds) implements TransferMessage {
    public Refuse {
      Objects.requireNonNull(reason, "reason");
      if (retryAfterSeconds < 0 || retryAfterSeconds > 0xffff) {
        throw new IllegalArgumentException("retry-after must be 0..65535 seconds");
      }
    }

    @Override
    public TransferMessageType type() {
      return TransferMessageType.REFUSE;
    }
  }

  /** Downloader → provider: {@code count} hashes of {@code layer} starting at {@code index}. */
  record HashRequest(HashLayer layer, int index, int count) implements TransferMessage {
    public HashRequest {
      Objects.requireNonNull(layer, "layer");
      checkHashRange(index, count);
    }

    @Override
    public TransferMessageType type() {
      return TransferMessageType.HASH_REQUEST;
    }
  }

  /** Provider → downloader: hashes {@code index .. index + hashCount() - 1} of {@code layer}. */
  record Hashes(HashLayer layer, int index, byte[] hashes) implements TransferMessage {
    public Hashes {
      Objects.requireNonNull(layer, "layer");
      if (hashes == null || hashes.length % Merkle.HASH_LENGTH != 0) {
        throw new IllegalArgumentException("hashes must be a whole number of 32-byte hashes");
      }
      checkHashRange(index, hashes.length / Merkle.HASH_LENGTH);
      hashes = hashes.clone();
    }

    /** The concatenated hashes. */
    @Override
    public byte[] hashes() {
      return hashes.clone();
    }

    public int hashCount() {
      return hashes.length / Merkle.HASH_LENGTH;
    }

    @Override
    public TransferMessageType type() {
      return TransferMessageType.HASHES;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Hashes h && layer == h.layer && index == h.index
          && Arrays.equals(hashes, h.hashes);
    }

    @Override
    public int hashCode() {
      return Objects.hash(layer, index, Arrays.hashCode(hashes));
    }

    @Override
    public String toString() {
      return "Hashes[" + layer + ", index=" + index + ", count=" + hashCount() + "]";
    }
  }

  /** Downloader → provider: {@code length} bytes of {@code piece} from block-aligned {@code offset}. */
  record BlockRequest(int piece, int offset, int length) implements TransferMessage {
    public BlockRequest {
      checkBlockAddress(piece, offset);
      if (length < 1 || length > TransferCodec.MAX_BLOCK_LENGTH) {
        throw new IllegalArgumentException(
            "block length must be 1.." + TransferCodec.MAX_BLOCK_LENGTH + ", got " + length);
      }
    }

    /**
     * True if this request names exactly one block of a share with geometry {@code g} (piece in
     * range, offset inside the piece, length the block's size). A provider rejects others.
     */
    public boolean fits(PieceGeometry g) {
      if (piece >= g.pieceCount() || offset >= g.pieceSize(piece)) {
        return false;
      }
      long block = (g.pieceOffset(piece) + offset) / PieceGeometry.BLOCK_SIZE;
      return length == g.blockSize((int) block);
    }

    @Override
    public TransferMessageType type() {
      return TransferMessageType.BLOCK_REQUEST;
    }
  }

  /**
   * Provider → downloader: one block with its uncle hashes inside the piece's subtree (sibling
   * first), so the block is checked against the piece-layer hash on arrival.
   *
   * <p>Immutable: the constructor copies its arrays and {@link #proof()} and {@link #data()}
   * return copies. The data path, where each 16 KiB block would otherwise be copied twice more
   * per node, hands arrays over instead: {@link #adopt} takes them without copying, and
   * {@link #sharedData()} and {@link #sharedProof()} lend them to code that only reads them.
   */
  final class Block implements TransferMessage {
    private final int piece;
    private final int offset;
    private final byte[] proof;
    private final byte[] data;

    /** A block with copies of {@code proof} and {@code data}. */
    public Block(int piece, int offset, byte[] proof, byte[] data) {
      this(proof == null ? null : proof.clone(), data == null ? null : data.clone(), piece, offset);
    }

    /** {@code ownProof} and {@code ownData} belong to this block from now on. */
    private Block(byte[] ownProof, byte[] ownData, int piece, int offset) {
      checkBlockAddress(piece, offset);
      if (ownProof == null || ownProof.length % Merkle.HASH_LENGTH != 0
          || ownProof.length / Merkle.HASH_LENGTH > TransferCodec.MAX_PROOF_HASHES) {
        throw new IllegalArgumentException(
            "proof must be 0.." + TransferCodec.MAX_PROOF_HASHES + " hashes of 32 bytes");
      }
      if (ownData == null || ownData.length < 1 || ownData.length > TransferCodec.MAX_BLOCK_LENGTH) {
        throw new IllegalArgumentException(
            "block data must be 1.." + TransferCodec.MAX_BLOCK_LENGTH + " bytes");
      }
      this.piece = piece;
      this.offset = offset;
      this.proof = ownProof;
      this.data = ownData;
    }

    /**
     * A block over {@code proof} and {@code data} themselves, not copies: the caller hands them
     * over and never changes them again.
     */
    public static Block adopt(int piece, int offset, byte[] proof, byte[] data) {
      return new Block(proof, data, piece, offset);
    }

    /**
     * Builds a block from a proof given as a list (as {@code MerkleTree.blockProof} returns);
     * {@code data} is handed over, not copied.
     */
    public static Block of(int piece, int offset, List<byte[]> proof, byte[] data) {
      byte[] p = new byte[proof.size() * Merkle.HASH_LENGTH];
      for (int i = 0; i < proof.size(); i++) {
        System.arraycopy(proof.get(i), 0, p, i * Merkle.HASH_LENGTH, Merkle.HASH_LENGTH);
      }
      return adopt(piece, offset, p, data);
    }

    public int piece() {
      return piece;
    }

    public int offset() {
      return offset;
    }

    /** The uncle hashes, 32 bytes each, sibling first (a copy). */
    public byte[] proof() {
      return proof.clone();
    }

    /** This block's own proof array, not a copy, for code that reads it and never writes it. */
    public byte[] sharedProof() {
      return proof;
    }

    /** The proof as a list of 32-byte hashes, sibling first. */
    public List<byte[]> proofHashes() {
      List<byte[]> out = new ArrayList<>();
      for (int i = 0; i < proof.length; i += Merkle.HASH_LENGTH) {
        out.add(Arrays.copyOfRange(proof, i, i + Merkle.HASH_LENGTH));
      }
      return out;
    }

    /** The block's bytes (a copy). */
    public byte[] data() {
      return data.clone();
    }

    /** This block's own data array, not a copy, for code that reads it and never writes it. */
    public byte[] sharedData() {
      return data;
    }

    /** Data length without copying. */
    public int length() {
      return data.length;
    }

    @Override
    public TransferMessageType type() {
      return TransferMessageType.BLOCK;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Block b && piece == b.piece && offset == b.offset
          && Arrays.equals(proof, b.proof) && Arrays.equals(data, b.data);
    }

    @Override
    public int hashCode() {
      return Objects.hash(piece, offset, Arrays.hashCode(proof), Arrays.hashCode(data));
    }

    @Override
    public String toString() {
      return "Block[piece=" + piece + ", offset=" + offset + ", proof="
          + proof.length / Merkle.HASH_LENGTH + ", length=" + data.length + "]";
    }
  }

  /** Provider → downloader: the block request at (piece, offset) will not be served. */
  record Reject(int piece, int offset, RejectReason reason) implements TransferMessage {
    public Reject {
      checkBlockAddress(piece, offset);
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public TransferMessageType type() {
      return TransferMessageType.REJECT;
    }
  }

  /** Downloader → provider: drop the block request at (piece, offset) if not yet sent. */
  record Cancel(int piece, int offset) implements TransferMessage {
    public Cancel {
      checkBlockAddress(piece, offset);
    }

    @Override
    public TransferMessageType type() {
      return TransferMessageType.CANCEL;
    }
  }

  /**
   * Downloader → provider: piece {@code piece} (16 KiB, {@link TransferCodec#METADATA_PIECE_BYTES})
   * of the share's bencoded info dictionary, the share HELLO named (BEP 9's idea). A provider
   * answers only for a public share; for an encrypted one it REFUSEs and ends the stream.
   */
  record MetadataRequest(int piece) implements TransferMessage {
    public MetadataRequest {
      if (piece < 0 || piece >= TransferCodec.MAX_METADATA_PIECES) {
        throw new IllegalArgumentException("metadata piece must be 0.." + (TransferCodec.MAX_METADATA_PIECES - 1));
      }
    }

    @Override
    public TransferMessageType type() {
      return TransferMessageType.METADATA_REQUEST;
    }
  }

  /**
   * Provider → downloader: piece {@code piece} of the info dictionary, whose whole length is
   * {@code totalLength} (1..{@link TransferCodec#MAX_METADATA_BYTES}); every piece but the last is
   * 16 KiB, the last holds the rest. The downloader trusts none of it until the SHA-256 of the
   * whole dictionary equals the info-hash.
   */
  record Metadata(int totalLength, int piece, byte[] data) implements TransferMessage {
    public Metadata {
      if (totalLength < 1 || totalLength > TransferCodec.MAX_METADATA_BYTES) {
        throw new IllegalArgumentException("metadata length must be 1.." + TransferCodec.MAX_METADATA_BYTES);
      }
      if (piece < 0 || piece >= pieceCount(totalLength)) {
        throw new IllegalArgumentException("metadata piece " + piece + " past the last of " + pieceCount(totalLength));
      }
      if (data == null || data.length != pieceSize(totalLength, piece)) {
        throw new IllegalArgumentException("metadata piece " + piece + " must hold "
            + pieceSize(totalLength, piece) + " bytes");
      }
      data = data.clone();
    }

    /** Pieces of a dictionary of {@code totalLength} bytes. */
    public static int pieceCount(int totalLength) {
      return (totalLength + TransferCodec.METADATA_PIECE_BYTES - 1) / TransferCodec.METADATA_PIECE_BYTES;
    }

    /** Bytes of piece {@code piece} of a dictionary of {@code totalLength} bytes. */
    public static int pieceSize(int totalLength, int piece) {
      return Math.min(TransferCodec.METADATA_PIECE_BYTES, totalLength - piece * TransferCodec.METADATA_PIECE_BYTES);
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public TransferMessageType type() {
      return TransferMessageType.METADATA;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Metadata m && totalLength == m.totalLength && piece == m.piece
          && Arrays.equals(data, m.data);
    }

    @Override
    public int hashCode() {
      return Objects.hash(totalLength, piece, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
      return "Metadata[total=" + totalLength + ", piece=" + piece + ", length=" + data.length + "]";
    }
  }

  private static void checkBlockAddress(int piece, int offset) {
    if (piece < 0 || piece >= TransferCodec.MAX_PIECE_COUNT) {
      throw new IllegalArgumentException("piece index out of range: " + piece);
    }
    if (offset < 0 || offset >= PieceGeometry.MAX_PIECE_LENGTH
        || offset % PieceGeometry.BLOCK_SIZE != 0) {
      throw new IllegalArgumentException("offset must be a multiple of 16 KiB below 16 MiB");
    }
  }

  private static void checkHashRange(int index, int count) {
    if (count < 1 || count > TransferCodec.MAX_HASHES_PER_MESSAGE) {
      throw new IllegalArgumentException(
          "hash count must be 1.." + TransferCodec.MAX_HASHES_PER_MESSAGE + ", got " + count);
    }
    if (index < 0 || (long) index + count > TransferCodec.MAX_PIECE_COUNT) {
      throw new IllegalArgumentException("hash range runs past the largest piece index");
    }
  }
}

package io.shroud.swarm;

import io.shroud.content.Bep52Hasher;
import io.shroud.content.MerkleTree;
import io.shroud.content.PieceGeometry;
import io.shroud.swarm.transfer.TransferMessage.Block;
import io.shroud.swarm.transfer.TransferMessage.HashRequest;
import io.shroud.swarm.transfer.TransferMessage.Hashes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** A share held in memory with what a provider needs to serve it. */
public final class ShareFixture {
  public final byte[] content;
  public final PieceGeometry geometry;
  public final MerkleTree tree;

  public ShareFixture(long seed, int length, int pieceLength) {
    content = new byte[length];
    new SplittableRandom(seed).nextBytes(content);
    geometry = new PieceGeometry(length, pieceLength);
    try {
      tree = Bep52Hasher.hash(new ByteArrayInputStream(content), pieceLength);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public byte[] piece(int piece) {
    int from = (int) geometry.pieceOffset(piece);
    return Arrays.copyOfRange(content, from, from + geometry.pieceSize(piece));
  }

  /** What an honest provider answers to a block request. */
  public Block serve(int piece, int offset, int length) {
    byte[] data = piece(piece);
    int block = (int) (geometry.pieceOffset(piece) + offset) / PieceGeometry.BLOCK_SIZE;
    List<byte[]> proof = tree.blockProof(block, data)
        .subList(0, geometry.blockInPieceProofLength());
    return Block.of(piece, offset, proof, Arrays.copyOfRange(data, offset, offset + length));
  }

  /** What an honest provider answers to a hash request. */
  public Hashes serve(HashRequest r) {
    byte[] layer = tree.pieceLayerBytes();
    return new Hashes(r.layer(), r.index(),
        Arrays.copyOfRange(layer, r.index() * 32, (r.index() + r.count()) * 32));
  }

  /**
   * The SHA-256 of every 16 KiB block of {@code bytes}, back to back: the layout of a leaves
   * file, computed here without the production hasher.
   */
  public static byte[] blockHashes(byte[] bytes) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int off = 0; off < bytes.length; off += PieceGeometry.BLOCK_SIZE) {
      java.security.MessageDigest md = io.shroud.content.Merkle.sha256();
      md.update(bytes, off, Math.min(PieceGeometry.BLOCK_SIZE, bytes.length - off));
      out.writeBytes(md.digest());
    }
    return out.toByteArray();
  }
}

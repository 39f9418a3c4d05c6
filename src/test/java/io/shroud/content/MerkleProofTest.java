package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Proofs and verification over random files and piece lengths. */
class MerkleProofTest {

  record Case(byte[] data, int pieceLength, long seed) {
    @Override
    public String toString() {
      return "Case[" + data.length + " bytes, pieceLength=" + pieceLength + ", seed=" + seed + "]";
    }
  }

  @Provide
  Arbitrary<Case> files() {
    Arbitrary<Integer> size = Arbitraries.oneOf(
        Arbitraries.integers().between(1, 40_000),
        Arbitraries.integers().between(1, 300_000),
        Arbitraries.of(16383, 16384, 16385, 32768, 32769, 65536, 65537, 98304));
    Arbitrary<Integer> pl = Arbitraries.of(16384, 32768, 65536, 131072);
    return Combinators.combine(size, pl, Arbitraries.longs()).as((s, p, seed) -> {
      byte[] b = new byte[s];
      new Random(seed).nextBytes(b);
      return new Case(b, p, seed);
    });
  }

  @Property(tries = 60)
  void everyBlockVerifiesAgainstRootAndPieceHash(@ForAll("files") Case c) throws Exception {
    MerkleTree tree = Bep52Hasher.hash(new ByteArrayInputStream(c.data()), c.pieceLength());
    PieceGeometry g = tree.geometry();
    byte[] root = tree.root();
    assertTrue(Merkle.verifyPieceLayer(g, root, tree.pieceLayer()));
    for (int p = 0; p < g.pieceCount(); p++) {
      byte[] piece = slice(c.data(), g.pieceOffset(p), g.pieceSize(p));
      assertTrue(Merkle.verifyPiece(g, tree.pieceHash(p), p, piece));
      int first = p * g.blocksPerPiece();
      for (int b = first; b < Math.min(g.blockCount(), first + g.blocksPerPiece()); b++) {
        byte[] block = slice(c.data(), (long) b * PieceGeometry.BLOCK_SIZE, g.blockSize(b));
        List<byte[]> proof = tree.blockProof(b, piece);
        assertEquals(g.blockProofLength(), proof.size());
        assertTrue(Merkle.verifyBlock(g, root, b, block, proof));
        assertTrue(Merkle.verifyBlockInPiece(g, tree.pieceHash(p), b, block,
            proof.subList(0, g.blockInPieceProofLength())));
        // the same block claimed at another index fails
        if (g.blockCount() > 1) {
          int other = (b + 1) % g.blockCount();
          assertFalse(Merkle.verifyBlock(g, root, other, block, proof));
        }
      }
    }
  }

  @Property(tries = 100)
  void anyFlippedBitFailsVerification(@ForAll("files") Case c) throws Exception {
    MerkleTree tree = Bep52Hasher.hash(new ByteArrayInputStream(c.data()), c.pieceLength());
    PieceGeometry g = tree.geometry();
    Random r = new Random(c.seed() ^ 0x5eed);
    int b = r.nextInt(g.blockCount());
    int p = b / g.blocksPerPiece();
    byte[] piece = slice(c.data(), g.pieceOffset(p), g.pieceSize(p));
    byte[] block = slice(c.data(), (long) b * PieceGeometry.BLOCK_SIZE, g.blockSize(b));
    List<byte[]> proof = tree.blockProof(b, piece);
    byte[] root = tree.root();
    assertTrue(Merkle.verifyBlock(g, root, b, block, proof));

    byte[] badBlock = flip(block, r.nextInt(block.length * 8));
    assertFalse(Merkle.verifyBlock(g, root, b, badBlock, proof));
    byte[] badPiece = flip(piece, r.nextInt(piece.length * 8));
    assertFalse(Merkle.verifyPiece(g, tree.pieceHash(p), p, badPiece));
    assertFalse(Merkle.verifyBlock(g, flip(root, r.nextInt(256)), b, block, proof));
    if (!proof.isEmpty()) {
      int i = r.nextInt(proof.size());
      List<byte[]> badProof = new ArrayList<>(proof);
      badProof.set(i, flip(proof.get(i), r.nextInt(256)));
      assertFalse(Merkle.verifyBlock(g, root, b, block, badProof));
      assertFalse(Merkle.verifyBlock(g, root, b, block, proof.subList(0, proof.size() - 1)));
    }
    List<byte[]> badLayer = tree.pieceLayer();
    int q = r.nextInt(badLayer.size());
    badLayer.set(q, flip(badLayer.get(q), r.nextInt(256)));
    assertFalse(Merkle.verifyPieceLayer(g, root, badLayer));
  }

  @Property(tries = 40)
  void chunkingDoesNotChangeTheTree(@ForAll("files") Case c) {
    Bep52Hasher whole = new Bep52Hasher(c.pieceLength());
    whole.update(c.data(), 0, c.data().length);
    Bep52Hasher bits = new Bep52Hasher(c.pieceLength());
    Random r = new Random(c.seed());
    for (int off = 0; off < c.data().length; ) {
      int n = Math.min(c.data().length - off, 1 + r.nextInt(40_000));
      bits.update(c.data(), off, n);
      off += n;
    }
    assertArrayEquals(whole.finish().root(), bits.finish().root());
  }

  static byte[] slice(byte[] data, long off, int len) {
    byte[] out = new byte[len];
    System.arraycopy(data, (int) off, out, 0, len);
    return out;
  }

  static byte[] flip(byte[] b, int bit) {
    byte[] out = b.clone();
    out[bit / 8] ^= (byte) (1 << (bit % 8));
    return out;
  }
}

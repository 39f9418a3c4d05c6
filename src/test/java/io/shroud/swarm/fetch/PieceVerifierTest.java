package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.PieceGeometry;
import io.shroud.swarm.ShareFixture;
import io.shroud.swarm.transfer.TransferCodec;
import io.shroud.swarm.transfer.TransferMessage.Block;
import io.shroud.swarm.transfer.TransferMessage.HashLayer;
import io.shroud.swarm.transfer.TransferMessage.HashRequest;
import io.shroud.swarm.transfer.TransferMessage.Hashes;
import io.shroud.swarm.transfer.TransferProtocolException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PieceVerifierTest {
  // 5 pieces of 64 KiB (4 blocks each) and a short sixth piece of 1 block + 100 bytes
  private final ShareFixture share = new ShareFixture(1, 5 * 65536 + 16384 + 100, 65536);
  private final PieceVerifier verifier = new PieceVerifier(share.tree);

  @Test
  void honestBlocksVerifyOnArrival() {
    for (int p = 0; p < share.geometry.pieceCount(); p++) {
      for (int off = 0; off < share.geometry.pieceSize(p); off += PieceGeometry.BLOCK_SIZE) {
        int len = Math.min(PieceGeometry.BLOCK_SIZE, share.geometry.pieceSize(p) - off);
        assertTrue(verifier.verifyBlock(share.serve(p, off, len)), p + "/" + off);
      }
    }
  }

  @Test
  void tamperedBlocksAndProofsFail() {
    Block good = share.serve(2, 32768, 16384);
    byte[] data = good.data();
    data[100] ^= 1;
    assertFalse(verifier.verifyBlock(new Block(2, 32768, good.proof(), data)));
    byte[] proof = good.proof();
    proof[0] ^= 1;
    assertFalse(verifier.verifyBlock(new Block(2, 32768, proof, good.data())));
    assertFalse(verifier.verifyBlock(new Block(3, 32768, good.proof(), good.data())), "moved");
    assertFalse(verifier.verifyBlock(new Block(2, 16384, good.proof(), good.data())), "moved");
    assertFalse(verifier.verifyBlock(new Block(2, 32768, new byte[0], good.data())), "no proof");
    assertFalse(verifier.verifyBlock(new Block(9, 0, good.proof(), good.data())), "no piece 9");
    assertFalse(verifier.verifyBlock(new Block(5, 32768, good.proof(), good.data())), "past end");
  }

  @Test
  void wholePiecesVerify() {
    assertTrue(verifier.verifyPiece(5, share.piece(5)));
    byte[] bad = share.piece(1);
    bad[0] ^= 1;
    assertFalse(verifier.verifyPiece(1, bad));
    assertFalse(verifier.verifyPiece(0, share.piece(1)));
    assertFalse(verifier.verifyPiece(6, share.piece(1)));
  }

  @Test
  void aPieceIsCheckedFromTheLeavesItsBlocksWereVerifiedWith() {
    for (int p = 0; p < share.geometry.pieceCount(); p++) {
      byte[][] leaves = leavesOf(p);
      assertTrue(verifier.verifyPieceLeaves(p, leaves), "piece " + p);
      for (byte[] leaf : leaves) {
        assertEquals(32, leaf.length);
      }
    }
    assertEquals(4, leavesOf(0).length);
    assertEquals(2, leavesOf(5).length, "the short last piece has two blocks");
  }

  @Test
  void leavesInTheWrongPlaceOrFromAnotherPieceDoNotFold() {
    byte[][] swapped = leavesOf(1);
    byte[] first = swapped[0];
    swapped[0] = swapped[1];
    swapped[1] = first;
    assertFalse(verifier.verifyPieceLeaves(1, swapped), "two blocks swapped");
    assertFalse(verifier.verifyPieceLeaves(2, leavesOf(1)), "another piece's leaves");
    byte[][] missing = leavesOf(3);
    missing[2] = null;
    assertFalse(verifier.verifyPieceLeaves(3, missing), "a block never verified");
    assertFalse(verifier.verifyPieceLeaves(3, java.util.Arrays.copyOf(leavesOf(3), 3)), "too few leaves");
    assertFalse(verifier.verifyPieceLeaves(6, leavesOf(0)), "no piece 6");
  }

  @Test
  void aTamperedBlockHasNoLeaf() {
    Block good = share.serve(2, 32768, 16384);
    byte[] data = good.data();
    data[7] ^= 1;
    assertEquals(null, verifier.verifiedLeaf(new Block(2, 32768, good.proof(), data)));
    assertEquals(null, verifier.verifiedLeaf(new Block(2, 16384, good.proof(), good.data())), "moved");
    assertEquals(null, verifier.verifiedLeaf(new Block(3, 32768, good.proof(), good.data())), "other piece");
  }

  /** The leaf of every block of {@code piece}, from honest blocks as a provider serves them. */
  private byte[][] leavesOf(int piece) {
    int size = share.geometry.pieceSize(piece);
    byte[][] leaves = new byte[(size + PieceGeometry.BLOCK_SIZE - 1) / PieceGeometry.BLOCK_SIZE][];
    for (int i = 0; i < leaves.length; i++) {
      int off = i * PieceGeometry.BLOCK_SIZE;
      leaves[i] = verifier.verifiedLeaf(share.serve(piece, off, Math.min(PieceGeometry.BLOCK_SIZE, size - off)));
    }
    return leaves;
  }

  @Test
  void pieceLayerArrivesInRangesAndIsCheckedAgainstTheRoot() throws Exception {
    ShareFixture big = new ShareFixture(2, 300 * 16384 + 5, 16384); // 301 pieces, 3 ranges
    PieceLayerAssembler a = new PieceLayerAssembler(big.geometry, big.tree.root());
    List<HashRequest> reqs = a.nextRequests(10);
    assertEquals(List.of(new HashRequest(HashLayer.PIECES, 0, 128),
        new HashRequest(HashLayer.PIECES, 128, 128), new HashRequest(HashLayer.PIECES, 256, 45)),
        reqs);
    assertEquals(List.of(), a.nextRequests(10), "all in flight");
    for (HashRequest r : reqs) {
      assertTrue(TransferCodec.encode(big.serve(r)).length < 5 * 1024, "a reply fits in 5 KiB");
      a.accept(big.serve(r));
    }
    assertTrue(a.complete());
    PieceVerifier v = a.verifier();
    assertArrayEquals(big.tree.pieceLayerBytes(), v.pieceLayerBytes());
    assertTrue(v.verifyPiece(300, big.piece(300)));
  }

  @Test
  void aLyingProviderIsCaughtWhenTheLayerIsComplete() throws Exception {
    ShareFixture big = new ShareFixture(3, 200 * 16384, 16384);
    PieceLayerAssembler a = new PieceLayerAssembler(big.geometry, big.tree.root());
    for (HashRequest r : a.nextRequests(2)) {
      byte[] h = big.serve(r).hashes();
      if (r.index() == 128) {
        h[5] ^= 1;
      }
      a.accept(new Hashes(r.layer(), r.index(), h));
    }
    assertThrows(TransferProtocolException.class, a::verifier);
  }

  @Test
  void unsolicitedOrMisshapenRepliesAreProtocolErrors() throws Exception {
    ShareFixture big = new ShareFixture(4, 200 * 16384, 16384);
    PieceLayerAssembler a = new PieceLayerAssembler(big.geometry, big.tree.root());
    HashRequest first = a.nextRequests(1).get(0);
    Hashes unsolicited = big.serve(new HashRequest(HashLayer.PIECES, 128, 72));
    assertThrows(TransferProtocolException.class, () -> a.accept(unsolicited));
    Hashes shortReply = big.serve(new HashRequest(HashLayer.PIECES, 0, 127));
    assertThrows(TransferProtocolException.class, () -> a.accept(shortReply));
    a.accept(big.serve(first));
    assertThrows(TransferProtocolException.class, () -> a.accept(big.serve(first)), "twice");
    assertThrows(IllegalStateException.class, a::verifier);
  }

  @Test
  void singlePieceShareNeedsNoHashRequest() throws Exception {
    ShareFixture small = new ShareFixture(5, 40000, 65536);
    PieceLayerAssembler a = new PieceLayerAssembler(small.geometry, small.tree.root());
    assertEquals(List.of(), new ArrayList<>(a.nextRequests(4)));
    assertTrue(a.complete());
    PieceVerifier v = a.verifier();
    assertTrue(v.verifyPiece(0, small.piece(0)));
    assertTrue(v.verifyBlock(small.serve(0, 16384, 16384)));
    assertTrue(v.verifyBlock(small.serve(0, 32768, 40000 - 32768)));
  }
}

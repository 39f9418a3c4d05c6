package io.shroud.swarm.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.PieceGeometry;
import io.shroud.swarm.ShareFixture;
import io.shroud.swarm.fetch.PieceVerifier;
import io.shroud.swarm.transfer.TransferMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The provider's cached in-piece proofs agree with the content package's tree. */
class PieceProofsTest {
  @Test
  void proofsMatchTheTreesBlockProofsForEveryBlockIncludingAShortLastPiece() {
    ShareFixture f = new ShareFixture(3, 5 * 65536 + 20_000, 65536);
    PieceVerifier verifier = new PieceVerifier(f.tree);
    for (int p = 0; p < f.geometry.pieceCount(); p++) {
      PieceProofs proofs = PieceProofs.of(f.tree, p, f.piece(p));
      int blocks = (f.geometry.pieceSize(p) + PieceGeometry.BLOCK_SIZE - 1) / PieceGeometry.BLOCK_SIZE;
      for (int i = 0; i < blocks; i++) {
        TransferMessage.Block expected = f.serve(p, i * PieceGeometry.BLOCK_SIZE,
            f.geometry.blockSize((int) (f.geometry.pieceOffset(p) / PieceGeometry.BLOCK_SIZE) + i));
        List<byte[]> got = proofs.proof(i);
        List<byte[]> want = expected.proofHashes();
        assertEquals(want.size(), got.size());
        for (int k = 0; k < want.size(); k++) {
          assertArrayEquals(want.get(k), got.get(k), "piece " + p + " block " + i + " level " + k);
        }
        assertTrue(verifier.verifyBlock(p, i, expected.data(), new ArrayList<>(got)));
      }
    }
  }

  @Test
  void dataThatIsNotThePieceIsRefused() {
    ShareFixture f = new ShareFixture(4, 3 * 32768, 32768);
    byte[] piece = f.piece(1);
    piece[7] ^= 1;
    assertThrows(IllegalArgumentException.class, () -> PieceProofs.of(f.tree, 1, piece));
    assertThrows(IllegalArgumentException.class, () -> PieceProofs.of(f.tree, 1, new byte[10]));
    assertThrows(IllegalArgumentException.class, () -> PieceProofs.of(f.tree, 3, f.piece(0)));
  }

  @Test
  void storedLeafHashesGiveTheSameProofsAndDamagedOnesNone() {
    ShareFixture f = new ShareFixture(5, 5 * 65536 + 20_000, 65536);
    for (int p = 0; p < f.geometry.pieceCount(); p++) {
      byte[] piece = f.piece(p);
      int blocks = f.geometry.blocksIn(p);
      byte[] leaves = ShareFixture.blockHashes(piece);
      PieceProofs hashed = PieceProofs.of(f.tree, p, piece);
      PieceProofs stored = PieceProofs.fromLeaves(f.tree, p, leaves);
      for (int i = 0; i < blocks; i++) {
        List<byte[]> want = hashed.proof(i);
        List<byte[]> got = stored.proof(i);
        for (int k = 0; k < want.size(); k++) {
          assertArrayEquals(want.get(k), got.get(k), "piece " + p + " block " + i + " level " + k);
        }
      }
      byte[] flipped = leaves.clone();
      flipped[leaves.length - 1] ^= 1;
      org.junit.jupiter.api.Assertions.assertNull(PieceProofs.fromLeaves(f.tree, p, flipped), "piece " + p);
      org.junit.jupiter.api.Assertions.assertNull(
          PieceProofs.fromLeaves(f.tree, p, java.util.Arrays.copyOf(leaves, leaves.length - 32)), "piece " + p);
    }
    assertEquals(2, f.geometry.blocksIn(f.geometry.pieceCount() - 1), "20 000 bytes: a full and a short block");
  }
}

package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.PieceGeometry;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PieceAssemblyTest {
  private static final int BLOCK = PieceGeometry.BLOCK_SIZE;
  private static final int PIECE = 4 * BLOCK;
  /** Three pieces and a short fourth of one and a half blocks. */
  private final byte[] content = random(3 * PIECE + BLOCK + BLOCK / 2);
  private final PieceGeometry geometry = new PieceGeometry(content.length, PIECE);

  @Test
  void blocksInAnyOrderMakeThePieceWithItsLeavesInBlockOrder() {
    PieceAssembly assembly = new PieceAssembly(geometry, 2L * PIECE);
    for (int index : new int[] {2, 0, 3, 1}) {
      add(assembly, 1, index);
    }
    PieceAssembly.Piece piece = assembly.take(1);
    assertArrayEquals(Arrays.copyOfRange(content, PIECE, 2 * PIECE), piece.data());
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(leaf(1, i), piece.leaves()[i]);
    }
    assertThrows(IllegalStateException.class, () -> assembly.take(1), "taken once");
  }

  @Test
  void theShortLastPieceGetsAnArrayOfItsOwnSize() {
    PieceAssembly assembly = new PieceAssembly(geometry, 2L * PIECE);
    add(assembly, 3, 0);
    add(assembly, 3, 1);
    PieceAssembly.Piece last = assembly.take(3);
    assertEquals(BLOCK + BLOCK / 2, last.data().length);
    assertArrayEquals(Arrays.copyOfRange(content, 3 * PIECE, content.length), last.data());
  }

  @Test
  void theBacklogCountsWhatIsHandedOverUntilItIsWritten() {
    PieceAssembly assembly = new PieceAssembly(geometry, 2L * PIECE);
    PieceAssembly.Piece zero = complete(assembly, 0);
    assembly.handedOver(zero);
    assertEquals(PIECE, assembly.writeBacklog());
    assertFalse(assembly.backlogFull());
    assembly.handedOver(complete(assembly, 1));
    assertTrue(assembly.backlogFull(), "two pieces behind: as many as allowed");
    assembly.written(0);
    assertFalse(assembly.backlogFull());
    assertEquals(PIECE, assembly.writeBacklog());
  }

  @Test
  void aDiscardedPiecesArrayIsTheNextOneUsed() {
    PieceAssembly assembly = new PieceAssembly(geometry, 2L * PIECE);
    PieceAssembly.Piece failed = complete(assembly, 0);
    assembly.discard(failed);
    assertEquals(0, assembly.writeBacklog(), "a discarded piece is not waiting for the disk");
    PieceAssembly.Piece again = complete(assembly, 0);
    assertSame(failed.data(), again.data());
    assertArrayEquals(Arrays.copyOfRange(content, 0, PIECE), again.data(), "every byte overwritten");
  }

  @Test
  void aPauseKeepsPartialPiecesAndAnEndDropsEverything() {
    PieceAssembly assembly = new PieceAssembly(geometry, 2L * PIECE);
    add(assembly, 2, 0);
    assembly.buffers().give(new byte[PIECE]);
    assembly.pause();
    assertEquals(0, assembly.buffers().kept(), "spare arrays go");
    add(assembly, 2, 1);
    add(assembly, 2, 2);
    add(assembly, 2, 3);
    assertArrayEquals(Arrays.copyOfRange(content, 2 * PIECE, 3 * PIECE), assembly.take(2).data(),
        "the block added before the pause is still there");
    add(assembly, 1, 0);
    assembly.end();
    assertThrows(IllegalStateException.class, () -> assembly.take(1), "partial pieces are dropped");
    assembly.buffers().give(new byte[PIECE]);
    assertEquals(0, assembly.buffers().kept(), "and nothing is kept after the end");
  }

  @Test
  void rejectsABacklogLimitBelowOneByte() {
    assertThrows(IllegalArgumentException.class, () -> new PieceAssembly(geometry, 0));
  }

  private PieceAssembly.Piece complete(PieceAssembly assembly, int piece) {
    for (int i = 0; i < geometry.blocksIn(piece); i++) {
      add(assembly, piece, i);
    }
    return assembly.take(piece);
  }

  private void add(PieceAssembly assembly, int piece, int index) {
    int from = (int) geometry.pieceOffset(piece) + index * BLOCK;
    int length = Math.min(BLOCK, content.length - from);
    assembly.addBlock(piece, index * BLOCK, index, geometry.blocksIn(piece),
        Arrays.copyOfRange(content, from, from + length), length, leaf(piece, index));
  }

  private static byte[] leaf(int piece, int index) {
    byte[] leaf = new byte[32];
    leaf[0] = (byte) piece;
    leaf[1] = (byte) index;
    return leaf;
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new SplittableRandom(5).nextBytes(b);
    return b;
  }
}

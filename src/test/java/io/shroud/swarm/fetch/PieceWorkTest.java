package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.PieceGeometry;
import io.shroud.identity.NodeId;
import io.shroud.swarm.ShareFixture;
import io.shroud.swarm.pick.BlockRef;
import io.shroud.swarm.pick.PickerConfig;
import io.shroud.swarm.pick.PiecePicker;
import io.shroud.swarm.transfer.TransferMessage;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A piece put together from its blocks, and the bytes of complete pieces waiting for the disk. */
class PieceWorkTest {
  private static final int BLOCK = PieceGeometry.BLOCK_SIZE;
  private static final int PIECE = 4 * BLOCK;
  /** Three pieces and a short fourth of one and a half blocks. */
  private final byte[] content = random(3 * PIECE + BLOCK + BLOCK / 2);
  private final PieceGeometry geometry = new PieceGeometry(content.length, PIECE);
  private final PieceBuffers buffers = PieceBuffers.forPieceLength(PIECE, 2L * PIECE);

  @Test
  void blocksInAnyOrderMakeThePieceWithItsLeavesInBlockOrder() {
    PieceWork work = new PieceWork(1, geometry, null, buffers);
    for (int index : new int[] {2, 0, 3, 1}) {
      add(work, 1, index);
    }
    DownloadStore.PieceData piece = work.handOver(geometry.pieceOffset(1));
    assertArrayEquals(Arrays.copyOfRange(content, PIECE, 2 * PIECE), piece.data());
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(leaf(1, i), piece.leafHashes()[i]);
    }
    assertThrows(IllegalStateException.class, () -> work.handOver(geometry.pieceOffset(1)), "taken once");
  }

  @Test
  void theShortLastPieceGetsAnArrayOfItsOwnSize() {
    PieceWork work = new PieceWork(3, geometry, null, buffers);
    add(work, 3, 0);
    add(work, 3, 1);
    DownloadStore.PieceData last = work.handOver(geometry.pieceOffset(3));
    assertEquals(BLOCK + BLOCK / 2, last.data().length);
    assertArrayEquals(Arrays.copyOfRange(content, 3 * PIECE, content.length), last.data());
  }

  @Test
  void theBacklogCountsWhatIsHandedOverUntilItIsWritten() {
    PieceFlow flow = flowOverTwoPieces(2L * PIECE);
    flow.assembled(0);
    assertEquals(PIECE, flow.writeBacklog());
    assertFalse(flow.backlogFull());
    flow.assembled(1);
    assertTrue(flow.backlogFull(), "two pieces behind: as many as allowed");
    flow.written(0);
    assertFalse(flow.backlogFull());
    assertEquals(PIECE, flow.writeBacklog());
  }

  @Test
  void aDiscardedPiecesArrayIsTheNextOneUsed() {
    PieceFlow flow = flowOverTwoPieces(2L * PIECE);
    byte[] array = new byte[PIECE];
    buffers.give(array);
    PieceWork failed = complete(0);
    assertEquals(0, buffers.kept(), "the piece took the spare array");
    failed.release();
    flow.pieceFailed(0);
    assertEquals(0, flow.writeBacklog(), "a discarded piece is not waiting for the disk");
    PieceWork again = complete(0);
    byte[] data = again.handOver(0).data();
    assertSame(array, data);
    assertArrayEquals(Arrays.copyOfRange(content, 0, PIECE), data, "every byte overwritten");
  }

  @Test
  void aPauseKeepsPartialPiecesAndAnEndDropsEverything() {
    PieceWork work = new PieceWork(2, geometry, null, buffers);
    add(work, 2, 0);
    buffers.give(new byte[PIECE]);
    buffers.clear(); // a pause
    assertEquals(0, buffers.kept(), "spare arrays go");
    add(work, 2, 1);
    add(work, 2, 2);
    add(work, 2, 3);
    assertArrayEquals(Arrays.copyOfRange(content, 2 * PIECE, 3 * PIECE), work.handOver(geometry.pieceOffset(2)).data(),
        "the block added before the pause is still there");
    PieceWork partial = new PieceWork(1, geometry, null, buffers);
    add(partial, 1, 0);
    buffers.close(); // the end
    partial.release();
    assertThrows(IllegalStateException.class, () -> partial.handOver(geometry.pieceOffset(1)),
        "partial pieces are dropped");
    buffers.give(new byte[PIECE]);
    assertEquals(0, buffers.kept(), "and nothing is kept after the end");
  }

  @Test
  void rejectsABacklogLimitBelowOneByte() {
    assertThrows(IllegalArgumentException.class, () -> flowOverTwoPieces(0));
  }

  @Test
  void verifiedBlocksMakeACompletePieceAndABadOneIsNotKept() {
    ShareFixture share = new ShareFixture(3, 2 * PIECE, PIECE);
    PieceVerifier verifier = new PieceVerifier(share.tree);
    PieceWork work = new PieceWork(1, share.geometry, verifier, buffers);
    TransferMessage.Block good = share.serve(1, 0, BLOCK);
    byte[] corrupt = good.sharedData().clone();
    corrupt[7] ^= 1;
    assertEquals(PieceWork.Outcome.BAD,
        work.accept(TransferMessage.Block.of(1, 0, good.proofHashes(), corrupt)));
    assertEquals(PieceWork.Outcome.ADDED, work.accept(good));
    assertEquals(PieceWork.Outcome.DUPLICATE, work.accept(good));
    assertEquals(PieceWork.Outcome.ADDED, work.accept(share.serve(1, BLOCK, BLOCK)));
    assertEquals(PieceWork.Outcome.ADDED, work.accept(share.serve(1, 2 * BLOCK, BLOCK)));
    assertEquals(PieceWork.Outcome.COMPLETE, work.accept(share.serve(1, 3 * BLOCK, BLOCK)));
    assertArrayEquals(share.piece(1), work.handOver(PIECE).data());
  }

  /** A flow whose picker has handed out pieces 0 and 1 to one source, which delivered them. */
  private PieceFlow flowOverTwoPieces(long maxBacklog) {
    PiecePicker<NodeId> picker = new PiecePicker<>(geometry, new BitSet(),
        new PickerConfig(3, 2, PickerConfig.Ties.IN_ORDER), new SplittableRandom(1));
    PieceFlow flow = new PieceFlow(geometry, picker, maxBacklog, (s, p, i) -> { });
    NodeId source = NodeId.ofIdentityKey(new byte[] {9});
    picker.sourceHasAll(source);
    List<BlockRef> picked = picker.pick(source, 2 * 4);
    for (BlockRef b : picked) {
      flow.arrived(source, b.piece(), b.index());
    }
    return flow;
  }

  private PieceWork complete(int piece) {
    PieceWork work = new PieceWork(piece, geometry, null, buffers);
    for (int i = 0; i < geometry.blocksIn(piece); i++) {
      add(work, piece, i);
    }
    return work;
  }

  private void add(PieceWork work, int piece, int index) {
    int from = (int) geometry.pieceOffset(piece) + index * BLOCK;
    int length = Math.min(BLOCK, content.length - from);
    work.add(index * BLOCK, index, Arrays.copyOfRange(content, from, from + length), length, leaf(piece, index));
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

package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.PieceGeometry;
import io.shroud.identity.NodeId;
import io.shroud.swarm.pick.BlockRef;
import io.shroud.swarm.pick.PickerConfig;
import io.shroud.swarm.pick.PiecePicker;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Delivered blocks stay requests in the picker until their piece is written, so a lost piece can be asked again. */
class PieceFlowTest {
  private static final int BLOCK = PieceGeometry.BLOCK_SIZE;
  private final PieceGeometry geometry = new PieceGeometry(4L * 4 * BLOCK, 4 * BLOCK);
  private final PiecePicker<NodeId> picker = new PiecePicker<>(geometry, new BitSet(),
      new PickerConfig(3, 2, PickerConfig.Ties.IN_ORDER), new SplittableRandom(1));
  private final List<String> cancels = new ArrayList<>();
  private final PieceFlow flow = new PieceFlow(geometry, picker, 1L << 20,
      (s, p, i) -> cancels.add(s.shortHex() + ":" + p + "." + i));
  private final NodeId a = NodeId.ofIdentityKey(new byte[] {1});
  private final NodeId b = NodeId.ofIdentityKey(new byte[] {2});

  @Test
  void deliveredBlocksAreHeldSoTheSourceIsAskedForAsManyAsBefore() {
    picker.sourceHasAll(a);
    List<BlockRef> first = picker.pick(a, flow.depth(a, 4));
    assertEquals(4, first.size());
    flow.arrived(a, 0, 0);
    flow.arrived(a, 0, 1);
    assertEquals(2, flow.heldBy(a));
    assertTrue(flow.owes(a), "two blocks are still on the wire");
    List<BlockRef> next = picker.pick(a, flow.depth(a, 4));
    assertEquals(2, next.size(), "two more: four on the wire again");
    flow.arrived(a, 0, 2);
    flow.arrived(a, 0, 3);
    flow.arrived(a, 1, 0);
    flow.arrived(a, 1, 1);
    assertFalse(flow.owes(a), "everything asked for arrived");
    assertEquals(PiecePicker.PieceState.PARTIAL, picker.pieceState(0), "not received until written");
    flow.assembled(0);
    assertEquals(4L * BLOCK, flow.writeBacklog());
    assertTrue(flow.written(0));
    assertEquals(PiecePicker.PieceState.VERIFIED, picker.pieceState(0));
    assertEquals(0, flow.writeBacklog());
    assertEquals(2, flow.heldBy(a), "piece 1's two blocks");
  }

  @Test
  void anAbandonedPieceIsAskedForAgainAndNoOtherIs() {
    picker.sourceHasAll(a);
    for (BlockRef r : picker.pick(a, flow.depth(a, 8))) {
      flow.arrived(a, r.piece(), r.index());
    }
    flow.abandoned(1);
    assertEquals(4, flow.heldBy(a), "piece 0's blocks are still held");
    List<BlockRef> again = picker.pick(a, flow.depth(a, 4));
    assertEquals(4, again.size());
    again.forEach(r -> assertEquals(1, r.piece(), "only the abandoned piece: " + r));
    again.forEach(r -> assertFalse(flow.absorb(a, r), "nothing of it is held any more"));
  }

  @Test
  void aBadBlockIsAskedForAgain() {
    picker.sourceHasAll(a);
    picker.pick(a, flow.depth(a, 4)).forEach(r -> flow.arrived(a, r.piece(), r.index()));
    flow.badBlock(0, 2);
    assertEquals(3, flow.heldBy(a));
    List<BlockRef> again = picker.pick(a, flow.depth(a, 4));
    assertEquals(0, again.get(0).piece());
    assertEquals(2, again.get(0).index(), "the bad block first (its piece was started)");
  }

  @Test
  void aBlockWhoseSenderLeftIsHeldByTheNextSourcePickedForItAndNotAskedFor() {
    picker.sourceHasAll(a);
    picker.pick(a, flow.depth(a, 4)).forEach(r -> flow.arrived(a, r.piece(), r.index()));
    flow.assembled(0);
    picker.sourceGone(a);
    flow.sourceGone(a);
    assertTrue(flow.written(0));
    assertEquals(PiecePicker.PieceState.NONE, picker.pieceState(0), "no one holds its blocks: to the picker, not started");
    picker.sourceHasAll(b);
    List<BlockRef> picked = picker.pick(b, flow.depth(b, 8));
    List<BlockRef> toAsk = new ArrayList<>();
    for (BlockRef r : picked) {
      if (!flow.absorb(b, r)) {
        toAsk.add(r);
      }
    }
    toAsk.forEach(r -> assertEquals(1, r.piece(), "piece 0 is not asked for again: " + r));
    assertEquals(PiecePicker.PieceState.VERIFIED, picker.pieceState(0), "held again, so verified");
    assertEquals(0, flow.heldBy(b));
  }

  @Test
  void inTheEndgameTheOtherRequesterOfADeliveredBlockIsCancelled() {
    PieceGeometry one = new PieceGeometry(2L * BLOCK, 2 * BLOCK);
    PiecePicker<NodeId> small = new PiecePicker<>(one, new BitSet(),
        new PickerConfig(3, 2, PickerConfig.Ties.IN_ORDER), new SplittableRandom(1));
    PieceFlow endgame = new PieceFlow(one, small, 1L << 20, (s, p, i) -> cancels.add(s.shortHex() + ":" + p + "." + i));
    small.sourceHasAll(a);
    small.sourceHasAll(b);
    assertEquals(2, small.pick(a, 2).size());
    assertEquals(2, small.pick(b, 2).size(), "endgame: both blocks from b too");
    endgame.arrived(a, 0, 0);
    assertEquals(List.of(b.shortHex() + ":0.0"), cancels);
    assertFalse(small.isRequestedFrom(b, 0, 0));
    assertTrue(small.isRequestedFrom(a, 0, 0), "held by a until the piece is written");
  }
  @Test
  void aBlockStillAskedOfTwoWhenTheEndgameEndedIsCancelledAtTheOtherWhenItArrives() {
    PieceGeometry two = new PieceGeometry(4L * BLOCK, 2 * BLOCK);
    PiecePicker<NodeId> small = new PiecePicker<>(two, new BitSet(),
        new PickerConfig(3, 2, PickerConfig.Ties.IN_ORDER), new SplittableRandom(1));
    PieceFlow f = new PieceFlow(two, small, 1L << 20, (s, p, i) -> cancels.add(s.shortHex() + ":" + p + "." + i));
    small.sourceHasAll(a);
    small.sourceHasAll(b);
    assertEquals(4, small.pick(a, 4).size());
    assertEquals(2, small.pick(b, 2).size(), "endgame: piece 0's blocks from b too");
    f.arrived(a, 1, 0);
    f.arrived(a, 1, 1);
    f.abandoned(1); // piece 1's download died: its blocks are wanted again, the endgame is over
    assertFalse(small.isEndgame());
    f.arrived(a, 0, 0);
    assertEquals(List.of(b.shortHex() + ":0.0"), cancels, "b need not send it any more");
    assertFalse(small.isRequestedFrom(b, 0, 0), "so b does not owe it (the stall check would count it)");
    assertEquals(1, small.inFlight(b));
  }
}

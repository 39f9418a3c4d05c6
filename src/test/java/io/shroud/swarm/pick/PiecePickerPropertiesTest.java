package io.shroud.swarm.pick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.PieceGeometry;
import io.shroud.swarm.pick.PiecePicker.BlockState;
import io.shroud.swarm.pick.PiecePicker.PieceState;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random event sequences (picks, arrivals, rejects, departures, bad blocks, failed pieces)
 * against the picker's bookkeeping invariants, then a clean finish by an honest source.
 */
class PiecePickerPropertiesTest {
  private static final int LIMIT = 5;

  @Property(tries = 150)
  void bookkeepingHoldsUnderRandomEvents(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 40) int pieces,
      @ForAll @IntRange(min = 0, max = 3) int log2Blocks) {
    SplittableRandom r = new SplittableRandom(seed);
    int bpp = 1 << log2Blocks;
    long length = (long) pieces * bpp * PieceGeometry.BLOCK_SIZE - r.nextInt(PieceGeometry.BLOCK_SIZE);
    PieceGeometry g = new PieceGeometry(length, bpp * PieceGeometry.BLOCK_SIZE);
    BitSet resumed = new BitSet();
    for (int p = 0; p < g.pieceCount(); p++) {
      if (r.nextInt(4) == 0) {
        resumed.set(p);
      }
    }
    PiecePicker<String> picker = new PiecePicker<>(g, resumed, new PickerConfig(3, 2), r.split());
    List<String> names = List.of("a", "b", "c", "d");
    for (String n : names) {
      BitSet have = new BitSet();
      for (int p = 0; p < g.pieceCount(); p++) {
        if (r.nextBoolean()) {
          have.set(p);
        }
      }
      picker.sourceHas(n, have);
    }
    List<Object[]> inFlight = new ArrayList<>();
    for (int step = 0; step < 300; step++) {
      String s = names.get(r.nextInt(names.size()));
      switch (r.nextInt(8)) {
        case 0, 1, 2 -> {
          for (BlockRef b : picker.pick(s, LIMIT)) {
            assertFalse(resumed.get(b.piece()), "re-requested a resumed piece");
            inFlight.add(new Object[] {s, b});
          }
        }
        case 3, 4 -> {
          if (!inFlight.isEmpty()) {
            Object[] f = inFlight.remove(r.nextInt(inFlight.size()));
            BlockRef b = (BlockRef) f[1];
            BlockResult<String> res = picker.blockReceived((String) f[0], b.piece(), b.index());
            if (res.pieceComplete()) {
              if (r.nextInt(5) == 0) {
                picker.pieceFailed(b.piece());
              } else {
                picker.pieceVerified(b.piece());
              }
            }
          }
        }
        case 5 -> {
          if (!inFlight.isEmpty()) {
            Object[] f = inFlight.remove(r.nextInt(inFlight.size()));
            BlockRef b = (BlockRef) f[1];
            picker.requestReleased((String) f[0], b.piece(), b.index());
          }
        }
        case 6 -> picker.reportBadBlock(s);
        default -> {
          if (r.nextInt(4) == 0) {
            picker.sourceGone(s);
          }
        }
      }
      checkInvariants(picker, g, names, resumed);
    }
    picker.sourceHasAll("honest");
    for (int i = 0; i < 100_000 && !picker.isComplete(); i++) {
      for (BlockRef b : picker.pick("honest", LIMIT)) {
        if (picker.blockReceived("honest", b.piece(), b.index()).pieceComplete()) {
          picker.pieceVerified(b.piece());
        }
      }
      for (int p = 0; p < g.pieceCount(); p++) {
        if (picker.pieceState(p) == PieceState.WRITING) {
          picker.pieceVerified(p); // completed by a late delivery from an earlier source
        }
      }
      // release requests still held by the random sources so the honest one can take them
      for (String n : names) {
        picker.sourceGone(n);
      }
    }
    assertTrue(picker.isComplete());
    assertEquals(g.blockCount(), picker.receivedBlocks());
  }

  private static void checkInvariants(PiecePicker<String> picker, PieceGeometry g,
      List<String> names, BitSet resumed) {
    int none = 0;
    int received = 0;
    for (int p = 0; p < g.pieceCount(); p++) {
      PieceState st = picker.pieceState(p);
      if (resumed.get(p)) {
        assertEquals(PieceState.VERIFIED, st);
      }
      int touched = 0;
      for (int b = 0; b < picker.blocksIn(p); b++) {
        BlockState bs = picker.blockState(p, b);
        int req = picker.requesters(p, b).size();
        assertTrue(req <= 2, "endgame cap");
        assertEquals(bs == BlockState.REQUESTED, req > 0, "requested iff it has requesters");
        none += bs == BlockState.NONE ? 1 : 0;
        received += bs == BlockState.RECEIVED ? 1 : 0;
        touched += bs == BlockState.NONE ? 0 : 1;
      }
      assertEquals(touched == 0, st == PieceState.NONE, "piece " + p + " is " + st);
    }
    assertEquals(none, picker.unrequestedBlocks());
    assertEquals(received, picker.receivedBlocks());
    for (String n : names) {
      assertTrue(picker.inFlight(n) <= LIMIT);
      if (picker.isBanned(n)) {
        assertEquals(0, picker.inFlight(n));
        assertTrue(picker.pick(n, LIMIT).isEmpty());
      }
    }
  }
}

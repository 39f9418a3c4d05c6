package io.shroud.swarm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

/** The provider's counters, and the pieces it served per share. */
class ServingCountersTest {
  @Test
  void countsAndServedPiecesPerShareUntilAReset() {
    ServingCounters c = new ServingCounters();
    c.countServed("aa", 3, 100);
    c.countServed("aa", 5, 20);
    c.countServed("bb", 0, 7);
    c.countRefused();
    c.countRejected();
    c.countRejected();
    c.countViolation();
    assertEquals(new TransferServiceView(4, 3, 127, 1, 2, 1), c.view(4));

    BitSet aa = new BitSet();
    aa.set(3);
    aa.set(5);
    BitSet got = c.servedPieces("aa", false);
    assertEquals(aa, got);
    got.set(9); // a copy: the caller's changes stay its own
    assertEquals(aa, c.servedPieces("aa", true));
    assertTrue(c.servedPieces("aa", false).isEmpty(), "a reset starts over");
    assertEquals(BitSet.valueOf(new long[] {1}), c.servedPieces("bb", false), "other shares keep theirs");
    assertTrue(c.servedPieces("cc", false).isEmpty());
    assertEquals(3, c.view(0).blocksServed(), "a reset forgets pieces, not counts");
  }
}

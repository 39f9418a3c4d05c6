package io.shroud.swarm.pick;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The endgame ranking of {@link RequestTable}. The picker tests run endgame with a cap of two
 * requesters per block, where every candidate has exactly one requester; this covers the order
 * among candidates with different numbers of requesters.
 */
class RequestTableTest {
  @Test
  void endgameOffersTheLeastDuplicatedBlocksFirstThenInBlockOrder() {
    RequestTable<String> requests = new RequestTable<>(
        new SourceTable<>(4, 3, new RarityIndex(4, null)));
    // two blocks per piece: block b is piece b / 2
    requests.add(5, "A");
    requests.add(5, "B");
    requests.add(1, "A");
    requests.add(1, "B");
    requests.add(0, "A");
    requests.add(3, "B");
    requests.add(2, "C"); // already in flight from C itself
    requests.add(4, "A");
    requests.add(4, "B");
    requests.add(4, "D"); // at the cap of three
    requests.add(7, "A"); // piece 3, which C does not have
    BitSet have = new BitSet();
    have.set(0, 3);
    assertEquals(List.of(0, 3, 1, 5), requests.endgameCandidates("C", have, 2, 3));
  }
}

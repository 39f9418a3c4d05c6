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
    assertEquals(List.of(0, 3, 1, 5), requests.endgameCandidates("C", have, 2, 3, 10));
    assertEquals(List.of(0, 3, 1), requests.endgameCandidates("C", have, 2, 3, 3), "the first three of that order");
    assertEquals(List.of(0), requests.endgameCandidates("C", have, 2, 3, 1));
    assertEquals(List.of(), requests.endgameCandidates("C", have, 2, 3, 0));
  }

  /** The order a full sort gave (fewest requesters, then block order), for every limit, on random tables. */
  @Test
  void endgameCandidatesAreTheSortedOrderCutAtTheLimit() {
    java.util.Random random = new java.util.Random(29);
    for (int round = 0; round < 200; round++) {
      RequestTable<String> requests = new RequestTable<>(new SourceTable<>(64, 3, new RarityIndex(64, null)));
      java.util.Map<Integer, java.util.List<String>> from = new java.util.TreeMap<>();
      for (int i = 0; i < 40; i++) {
        int block = random.nextInt(128);
        String source = "S" + random.nextInt(4);
        if (!from.computeIfAbsent(block, b -> new java.util.ArrayList<>()).contains(source)) {
          from.get(block).add(source);
          requests.add(block, source);
        }
      }
      BitSet have = new BitSet();
      random.ints(48, 0, 64).forEach(have::set);
      int max = 2 + random.nextInt(3);
      java.util.List<Integer> sorted = from.entrySet().stream()
          .filter(e -> e.getValue().size() < max && !e.getValue().contains("S0") && have.get(e.getKey() / 2))
          .sorted(java.util.Comparator.comparingInt((java.util.Map.Entry<Integer, java.util.List<String>> e) ->
              e.getValue().size()).thenComparingInt(java.util.Map.Entry::getKey))
          .map(java.util.Map.Entry::getKey).toList();
      for (int limit = 0; limit <= sorted.size() + 1; limit++) {
        assertEquals(sorted.subList(0, Math.min(limit, sorted.size())),
            requests.endgameCandidates("S0", have, 2, max, limit), "round " + round + ", limit " + limit);
      }
    }
  }
}

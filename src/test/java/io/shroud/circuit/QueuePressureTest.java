package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.QueuedCells.Entry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Which relayed circuits go when their queued cells are over the bound: the oldest cells first. */
class QueuePressureTest {
  private static Entry hop(long id, int cells, long oldest) {
    return new Entry(id, cells, oldest);
  }

  @Test
  void atOrUnderTheBoundNothingIsDestroyed() {
    assertEquals(List.of(), QueuePressure.victims(List.of(), 100));
    assertEquals(List.of(), QueuePressure.victims(List.of(hop(1, 60, 0), hop(2, 40, 5)), 100));
  }

  @Test
  void theCircuitWithTheOldestQueuedCellGoesFirstNotTheBiggest() {
    // hop 3 holds the most, but its cells are young: a busy circuit that keeps moving
    List<Entry> hops = List.of(hop(1, 30, 2_000), hop(2, 20, 1_000), hop(3, 60, 9_000));
    assertEquals(List.of(2L), QueuePressure.victims(hops, 100),
        "110 cells over a bound of 100: hop 2, the oldest, brings them to 90, the target");
  }

  @Test
  void victimsAreTakenUntilNinetyPercentOfTheBoundIsLeft() {
    List<Entry> hops = List.of(hop(1, 10, 1), hop(2, 10, 2), hop(3, 10, 3), hop(4, 10, 4), hop(5, 80, 5));
    // 120 cells over a bound of 100: down to 90 takes 30 cells, the three oldest
    assertEquals(List.of(1L, 2L, 3L), QueuePressure.victims(hops, 100));
  }

  @Test
  void tiesGoToTheHopHoldingMoreThenToTheLowerNumber() {
    List<Entry> hops = List.of(hop(7, 10, 5), hop(3, 10, 5), hop(9, 50, 5), hop(1, 75, 6));
    // 145 cells: hop 9 (most, of the three oldest) leaves 95, over 90; then hop 3 (lower than 7)
    assertEquals(List.of(9L, 3L), QueuePressure.victims(hops, 100));
  }

  @Test
  void oneHopHoldingEverythingIsDestroyedAlone() {
    assertEquals(List.of(4L), QueuePressure.victims(List.of(hop(4, 1_000, 50), hop(5, 1, 60)), 100));
  }

  /** Properties over random queues: under the target afterwards, oldest first, never one too many. */
  @Test
  void randomQueuesEndUnderTheTargetWithTheOldestTakenAndNoneSpared() {
    Random random = new Random(42);
    for (int round = 0; round < 2_000; round++) {
      List<Entry> hops = new ArrayList<>();
      int n = 1 + random.nextInt(40);
      long total = 0;
      for (int i = 0; i < n; i++) {
        int cells = 1 + random.nextInt(3_000);
        hops.add(hop(i, cells, random.nextInt(1_000)));
        total += cells;
      }
      Collections.shuffle(hops, random);
      long limit = 1 + random.nextInt(40_000);
      List<Long> victims = QueuePressure.victims(hops, limit);
      if (total <= limit) {
        assertEquals(List.of(), victims);
        continue;
      }
      long left = total;
      long youngestVictim = Long.MIN_VALUE;
      for (long v : victims) {
        Entry e = hops.stream().filter(h -> h.hop() == v).findFirst().orElseThrow();
        left -= e.cells();
        youngestVictim = Math.max(youngestVictim, e.oldestMillis());
      }
      long target = (long) (limit * QueuePressure.RETAIN);
      assertTrue(left <= target, "left " + left + " over the target " + target);
      Entry last = hops.stream().filter(h -> h.hop() == victims.get(victims.size() - 1)).findFirst().orElseThrow();
      assertTrue(left + last.cells() > target, "the last victim was needed");
      long spared = youngestVictim;
      assertTrue(hops.stream().filter(h -> !victims.contains(h.hop())).allMatch(h -> h.oldestMillis() >= spared),
          "no spared circuit holds an older cell than a destroyed one");
    }
  }
}

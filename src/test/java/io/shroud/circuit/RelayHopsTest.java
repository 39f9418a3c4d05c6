package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which relayed hops are idle, counted from the last cell either neighbour sent. */
class RelayHopsTest {
  private static final Duration IDLE = Duration.ofMinutes(10);
  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;

  @Test
  void aHopIsIdleAfterTheTimeoutWithoutACellAndIsPickedOnce() {
    RelayHops<String> hops = new RelayHops<>(new QueuedCells(1_000, () -> { }));
    hops.add(1, "quiet", 0);
    hops.add(2, "busy", 0);
    hops.heardFrom("busy", 8 * MINUTE);
    assertEquals(List.of(), hops.closeIdle(10 * MINUTE - 1, IDLE));
    assertEquals(List.of("quiet"), hops.closeIdle(10 * MINUTE, IDLE), "ten minutes after its creation");
    assertEquals(List.of(), hops.closeIdle(17 * MINUTE, IDLE), "quiet is being closed already; busy heard at 8");
    assertEquals(List.of("busy"), hops.closeIdle(18 * MINUTE, IDLE));
    assertEquals(2, hops.size(), "closing hops count until they have stopped");
  }

  @Test
  void aCellFromTheirPastDoesNotMakeAHopYounger() {
    RelayHops<String> hops = new RelayHops<>(new QueuedCells(1_000, () -> { }));
    hops.add(1, "hop", 5 * MINUTE);
    hops.heardFrom("hop", 2 * MINUTE); // a clock that stepped back
    assertEquals(List.of(), hops.closeIdle(14 * MINUTE, IDLE));
    assertEquals(List.of("hop"), hops.closeIdle(15 * MINUTE, IDLE));
  }

  @Test
  void aStoppedHopIsForgotten() {
    RelayHops<String> hops = new RelayHops<>(new QueuedCells(1_000, () -> { }));
    long a = 4;
    long b = 9;
    hops.add(a, "a", 0);
    hops.add(b, "b", 0);
    assertTrue(hops.remove("b"));
    assertFalse(hops.remove("b"));
    assertFalse(hops.contains("b"));
    hops.heardFrom("b", MINUTE); // a late cell for a gone hop changes nothing
    assertEquals(List.of("a"), hops.refs());
    assertEquals(1, hops.size());
  }

  @Test
  void overTheQueueBoundTheHopsHoldingTheOldestCellsAreClosedOnce() {
    RelayHops<String> hops = new RelayHops<>(new QueuedCells(100, () -> { }));
    for (long id = 1; id <= 4; id++) {
      hops.add(id, "hop" + id, 0);
    }
    hops.gauge(1).set(30, 500);
    hops.gauge(2).set(30, 100); // the oldest cell
    hops.gauge(3).set(30, 300);
    assertEquals(List.of(), hops.closeOverQueueBound(), "90 cells: under the bound");
    hops.gauge(4).set(30, 900); // 120 > 100: down to 90 takes the oldest
    assertEquals(List.of("hop2"), hops.closeOverQueueBound());
    assertEquals(90, hops.queuedCells(), "the victim's cells are no longer counted");
    assertEquals(List.of(), hops.closeOverQueueBound());
    assertEquals(List.of(), hops.closeIdle(HOUR, IDLE).stream().filter("hop2"::equals).toList(),
        "a hop being closed is not picked again");
  }

  @Test
  void aHopClosingForIdlenessIsNotCountedAsAMemoryVictim() {
    RelayHops<String> hops = new RelayHops<>(new QueuedCells(10, () -> { }));
    hops.add(1, "idle", 0);
    hops.add(2, "busy", 0);
    hops.heardFrom("busy", 20 * MINUTE);
    hops.gauge(1).set(8, 0);
    hops.gauge(2).set(8, 10);
    assertEquals(List.of("idle"), hops.closeIdle(20 * MINUTE, IDLE));
    assertEquals(List.of(), hops.closeOverQueueBound(), "the idle hop's cells go with it: nothing more to close");
    assertTrue(hops.remove("idle"));
    assertEquals(8, hops.queuedCells(), "a stopped hop's cells leave the ledger");
  }
}

package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which relayed hops are idle, counted from the last cell either neighbour sent. */
class RelayHopsTest {
  private static final Duration IDLE = Duration.ofMinutes(10);
  private static final long MINUTE = 60_000;

  @Test
  void aHopIsIdleAfterTheTimeoutWithoutACellAndIsPickedOnce() {
    RelayHops<String> hops = new RelayHops<>();
    hops.add("quiet", 0);
    hops.add("busy", 0);
    hops.heardFrom("busy", 8 * MINUTE);
    assertEquals(List.of(), hops.closeIdle(10 * MINUTE - 1, IDLE));
    assertEquals(List.of("quiet"), hops.closeIdle(10 * MINUTE, IDLE), "ten minutes after its creation");
    assertEquals(List.of(), hops.closeIdle(17 * MINUTE, IDLE), "quiet is being closed already; busy heard at 8");
    assertEquals(List.of("busy"), hops.closeIdle(18 * MINUTE, IDLE));
    assertEquals(2, hops.size(), "closing hops count until they have stopped");
  }

  @Test
  void aCellFromTheirPastDoesNotMakeAHopYounger() {
    RelayHops<String> hops = new RelayHops<>();
    hops.add("hop", 5 * MINUTE);
    hops.heardFrom("hop", 2 * MINUTE); // a clock that stepped back
    assertEquals(List.of(), hops.closeIdle(14 * MINUTE, IDLE));
    assertEquals(List.of("hop"), hops.closeIdle(15 * MINUTE, IDLE));
  }

  @Test
  void hopsAreFoundByTheirNumberUntilTheyCloseOrGo() {
    RelayHops<String> hops = new RelayHops<>();
    long a = hops.add("a", 0);
    long b = hops.add("b", 0);
    assertTrue(a != b);
    assertEquals("a", hops.close(a));
    assertNull(hops.close(a), "picked once");
    assertEquals(b, hops.remove("b"));
    assertNull(hops.close(b));
    assertEquals(-1, hops.remove("b"));
    assertFalse(hops.contains("b"));
    hops.heardFrom("b", MINUTE); // a late cell for a gone hop changes nothing
    assertEquals(List.of("a"), hops.refs());
  }
}

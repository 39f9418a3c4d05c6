package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JournalPacerTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final JournalPacer pacer = new JournalPacer(Duration.ofNanos(250), now::get);

  @Test
  void theFirstEntryMayBeMadeAtOnceAndTheNextOneIntervalLater() {
    pacer.written(List.of(3, 1));
    assertTrue(pacer.waitNanos() <= 0);
    assertArrayEquals(new int[] {3, 1}, pacer.take());
    assertFalse(pacer.hasWaiting());
    now.addAndGet(100);
    pacer.written(List.of(7));
    assertEquals(150, pacer.waitNanos(), "written inside the interval: wait for its end");
    now.addAndGet(100);
    pacer.written(List.of(2, 9));
    assertEquals(50, pacer.waitNanos());
    now.addAndGet(50);
    assertEquals(0, pacer.waitNanos());
    assertArrayEquals(new int[] {7, 2, 9}, pacer.take(), "everything written since the last entry, in order");
    assertEquals(250, pacer.waitNanos());
  }

  @Test
  void anEntryTakenEarlyStartsTheIntervalAgain() {
    pacer.take();
    now.addAndGet(10);
    pacer.written(List.of(4));
    assertTrue(pacer.hasWaiting());
    assertArrayEquals(new int[] {4}, pacer.take(), "completion and pause journal without waiting");
    assertEquals(250, pacer.waitNanos());
    assertArrayEquals(new int[0], pacer.take());
  }

  @Test
  void aNegativeIntervalIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new JournalPacer(Duration.ofMillis(-1), now::get));
  }
}

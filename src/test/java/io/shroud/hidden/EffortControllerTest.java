package io.shroud.hidden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.hidden.EffortController.Event;
import io.shroud.testutil.MutableClock;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class EffortControllerTest {
  private final MutableClock clock = new MutableClock();
  private final EffortController c = new EffortController(clock);

  @Test
  void nothingChangesBeforeThePeriodEnds() {
    c.dropped(50);
    clock.advance(EffortController.UPDATE_PERIOD.minusMillis(1));
    assertEquals(Event.NONE, c.tick(0, OptionalLong.empty()));
    assertEquals(0, c.effort());
    clock.advance(Duration.ofMillis(1));
    assertEquals(Event.INCREASE, c.tick(0, OptionalLong.empty()));
  }

  @Test
  void aFloodWithoutWorkRaisesTheEffortFromZero() {
    // 1000 introductions of effort 0, 30 served, the queue stays full
    for (int i = 0; i < 1000; i++) {
      c.queued(0);
    }
    for (int i = 0; i < 30; i++) {
      c.served(200);
    }
    clock.advance(EffortController.UPDATE_PERIOD);
    assertEquals(Event.INCREASE, c.tick(256, OptionalLong.of(0)), "had a queue whose top is at the effort");
    assertEquals(1, c.effort(), "max(E + 1, 0 / 30)");
  }

  @Test
  void droppingWorkAboveTheEffortRaisesItToTheAverage() {
    c.queued(300);
    c.queued(100);
    c.served(0);
    c.served(0);
    c.dropped(90);
    clock.advance(EffortController.UPDATE_PERIOD);
    assertEquals(Event.INCREASE, c.tick(0, OptionalLong.empty()));
    assertEquals(200, c.effort(), "max(0 + 1, 400 / 2)");
    // next period: a drop below the effort and no queue: decrease by a third
    c.dropped(150);
    clock.advance(EffortController.UPDATE_PERIOD);
    assertEquals(Event.DECREASE, c.tick(3, OptionalLong.of(500)));
    assertEquals(133, c.effort());
  }

  @Test
  void aQueueWhoseTopIsBelowTheEffortHolds() {
    raiseTo(120);
    for (int i = 0; i < 5; i++) {
      c.served(20);
    }
    clock.advance(EffortController.UPDATE_PERIOD);
    assertEquals(Event.NONE, c.tick(20, OptionalLong.of(119)));
    assertEquals(120, c.effort());
    // a queue that never reached 16 after a serve, but holds 16 now: neither way
    c.served(3);
    clock.advance(EffortController.UPDATE_PERIOD);
    assertEquals(Event.NONE, c.tick(EffortController.QUEUE_LOW, OptionalLong.of(1)));
    assertEquals(120, c.effort());
  }

  @Test
  void quietPeriodsDecayToZeroAndTheEffortIsCapped() {
    c.queued(1_000_000);
    c.dropped(1_000_000);
    clock.advance(EffortController.UPDATE_PERIOD);
    c.tick(0, OptionalLong.empty());
    assertEquals(HsPow.MAX_EFFORT, c.effort(), "never more than a downloader attempts");
    int periods = 0;
    while (c.effort() > 0) {
      clock.advance(EffortController.UPDATE_PERIOD);
      assertEquals(Event.DECREASE, c.tick(0, OptionalLong.empty()));
      periods++;
    }
    assertEquals(22, periods, "10 000 → 6 666 → … → 1 → 0");
  }

  @Test
  void countsRestartEveryPeriod() {
    c.dropped(10);
    c.queued(40);
    clock.advance(EffortController.UPDATE_PERIOD);
    c.tick(0, OptionalLong.empty());
    assertEquals(40, c.effort());
    clock.advance(EffortController.UPDATE_PERIOD);
    assertEquals(Event.DECREASE, c.tick(0, OptionalLong.empty()), "the old drop does not count again");
    assertEquals(26, c.effort());
  }

  @Test
  void republishingWaitsForAChangeWorthIt() {
    assertFalse(EffortController.worthRepublishing(0, 0));
    assertTrue(EffortController.worthRepublishing(0, 1));
    assertTrue(EffortController.worthRepublishing(5, 0));
    assertFalse(EffortController.worthRepublishing(100, 114));
    assertTrue(EffortController.worthRepublishing(100, 115));
    assertTrue(EffortController.worthRepublishing(100, 85));
    assertFalse(EffortController.worthRepublishing(100, 86));
  }

  private void raiseTo(long effort) {
    c.queued(effort);
    c.served(0);
    c.dropped(effort);
    clock.advance(EffortController.UPDATE_PERIOD);
    c.tick(0, OptionalLong.empty());
    assertEquals(effort, c.effort());
  }
}

package io.shroud.hidden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.testutil.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class IntroQueueTest {
  @Test
  void highestEffortFirstThenFirstCome() {
    IntroQueue<String> q = new IntroQueue<>(new MutableClock());
    q.offer("a0", 0);
    q.offer("b5", 5);
    q.offer("c0", 0);
    q.offer("d5", 5);
    q.offer("e9", 9);
    assertEquals(OptionalLong.of(9), q.topEffort());
    assertEquals(List.of("e9", "b5", "d5", "a0", "c0"), drain(q));
    assertEquals(OptionalLong.empty(), q.topEffort());
  }

  @Test
  void aFullQueueDropsTheLowestAndSaysWhich() {
    IntroQueue<String> q = new IntroQueue<>(new MutableClock());
    for (int i = 0; i < IntroQueue.CAPACITY; i++) {
      assertTrue(q.offer("flood" + i, 0).queued());
    }
    assertEquals(256, q.size());
    IntroQueue.Offer<String> refused = q.offer("late", 0);
    assertFalse(refused.queued(), "equal effort: the newcomer is the lowest");
    assertEquals("late", refused.dropped().orElseThrow().item());
    IntroQueue.Offer<String> honest = q.offer("honest", 1);
    assertTrue(honest.queued());
    assertEquals("flood255", honest.dropped().orElseThrow().item(), "the newest of the lowest effort goes");
    assertEquals(0, honest.dropped().orElseThrow().effort());
    assertEquals(256, q.size());
    assertEquals(2, q.droppedFull());
    assertEquals("honest", q.poll().orElseThrow().item());
    assertEquals("flood0", q.poll().orElseThrow().item());
  }

  @Test
  void entriesOlderThanTheMaximumAgeAreNotServed() {
    MutableClock clock = new MutableClock();
    IntroQueue<String> q = new IntroQueue<>(clock);
    q.offer("old", 7);
    clock.advance(Duration.ofSeconds(10));
    q.offer("young", 1);
    clock.advance(IntroQueue.MAX_AGE.minusSeconds(10).plusMillis(1));
    assertEquals("young", q.poll().orElseThrow().item(), "old waited 15.001 s");
    assertEquals(1, q.droppedExpired());
    q.offer("fresh", 2);
    clock.advance(IntroQueue.MAX_AGE);
    assertEquals("fresh", q.poll().orElseThrow().item(), "exactly the maximum age is still served");
    assertTrue(q.poll().isEmpty());
  }

  @Test
  void effortsAreU32() {
    IntroQueue<String> q = new IntroQueue<>(2, Duration.ofSeconds(1), new MutableClock());
    q.offer("max", 0xffffffffL);
    assertThrows(IllegalArgumentException.class, () -> q.offer("x", -1));
    assertThrows(IllegalArgumentException.class, () -> q.offer("x", 1L << 32));
    assertThrows(IllegalArgumentException.class, () -> new IntroQueue<String>(0, Duration.ZERO, new MutableClock()));
  }

  static List<String> drain(IntroQueue<String> q) {
    List<String> out = new ArrayList<>();
    while (q.size() > 0) {
      out.add(q.poll().orElseThrow().item());
    }
    return out;
  }
}

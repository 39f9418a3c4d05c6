package io.shroud.node.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProbeScheduleTest {
  final MutableClock clock = new MutableClock(UptimeTrackerTest.T);
  final ProbeSchedule schedule = new ProbeSchedule(clock, Duration.ofSeconds(10), Duration.ofSeconds(60));
  static final NodeId A = NodeId.ofIdentityKey(new byte[] {1});
  static final NodeId B = NodeId.ofIdentityKey(new byte[] {2});

  @Test
  void oneProbeAtATimeEachRelayAtMostOncePerIntervalOldestFirst() {
    NodeId first = A.compareTo(B) < 0 ? A : B;
    NodeId second = first.equals(A) ? B : A;
    assertEquals(Optional.of(first), schedule.next(List.of(A, B)), "never probed, lowest id first");
    assertEquals(Optional.empty(), schedule.next(List.of(A, B)), "one in flight");
    clock.advance(Duration.ofSeconds(1));
    schedule.finished(first, true, 5000);
    assertEquals(Optional.of(second), schedule.next(List.of(A, B)));
    schedule.finished(second, false, 123);
    assertEquals(Optional.empty(), schedule.next(List.of(A, B)), "both probed within the interval");
    clock.advance(Duration.ofSeconds(3));
    assertEquals(Optional.of(second), schedule.next(List.of(A, B)), "the unreached one again after a quarter");
    schedule.finished(second, false, 0);
    assertEquals(Optional.empty(), schedule.next(List.of(A, B)));
    clock.advance(Duration.ofSeconds(6));
    assertEquals(Optional.of(first), schedule.next(List.of(A, B)), "the reached one after the whole interval");
    assertEquals(new ProbeSchedule.Result(true, 5000, UptimeTrackerTest.T.plusSeconds(1)),
        schedule.result(first).orElseThrow());
    ProbeSchedule.Result failed = schedule.result(second).orElseThrow();
    assertFalse(failed.reached());
    assertEquals(0, failed.kibps(), "an unreached relay measured nothing");
  }

  @Test
  void aProbeThatDoesNotFinishWithinTheTimeoutFailsAndTheNextGoes() {
    NodeId first = schedule.next(List.of(A, B)).orElseThrow();
    clock.advance(Duration.ofSeconds(61));
    NodeId second = schedule.next(List.of(A, B)).orElseThrow();
    assertFalse(first.equals(second));
    assertFalse(schedule.result(first).orElseThrow().reached());
  }

  @Test
  void bandwidthIsKibPerSecondOfWhatArrived() {
    assertEquals(2560, ProbeSchedule.kibps(256 * 1024, 100_000_000L), "256 KiB in 100 ms");
    assertEquals(1, ProbeSchedule.kibps(10, 10_000_000_000L), "a trickle is still 1");
    assertEquals(0, ProbeSchedule.kibps(0, 5));
  }
}

package io.shroud.hidden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shroud.testutil.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HsPeriodTest {
  /** 2026-01-01T00:00:00Z is the start of period 20454 (days since 1970). */
  static final long N = 20454;

  @Test
  void periodsAreUtcDays() {
    assertEquals(N, HsPeriod.of(Instant.parse("2026-01-01T00:00:00Z")));
    assertEquals(N, HsPeriod.of(Instant.parse("2026-01-01T23:59:59Z")));
    assertEquals(N + 1, HsPeriod.of(Instant.parse("2026-01-02T00:00:00Z")));
    assertEquals(0, HsPeriod.of(Instant.EPOCH));
    assertEquals(Instant.parse("2026-01-01T00:00:00Z"), HsPeriod.start(N));
    assertEquals(Instant.parse("2026-01-02T00:00:00Z"), HsPeriod.end(N));
    assertThrows(IllegalArgumentException.class, () -> HsPeriod.of(Instant.EPOCH.minusSeconds(1)));
  }

  @Test
  void seederPublishesTheNextPeriodInTheLastHour() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    HsPeriod p = new HsPeriod(clock);
    assertEquals(List.of(N), p.publishPeriods(), "first hour: the current period only");
    clock.advance(Duration.ofHours(22).plusMinutes(59).plusSeconds(59));
    assertEquals(List.of(N), p.publishPeriods());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(List.of(N, N + 1), p.publishPeriods(), "23:00 on: the next period too");
    clock.advance(Duration.ofMinutes(59).plusSeconds(59));
    assertEquals(List.of(N, N + 1), p.publishPeriods());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(N + 1, p.current());
    assertEquals(List.of(N + 1), p.publishPeriods());
  }

  @Test
  void downloaderLooksUpTheNeighbourWithinAnHourOfEitherBoundary() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    HsPeriod p = new HsPeriod(clock);
    assertEquals(List.of(N, N - 1), p.lookupPeriods());
    clock.advance(Duration.ofMinutes(59).plusSeconds(59));
    assertEquals(List.of(N, N - 1), p.lookupPeriods());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(List.of(N), p.lookupPeriods());
    clock.advance(Duration.ofHours(22).minusSeconds(1));
    assertEquals(List.of(N), p.lookupPeriods());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(List.of(N, N + 1), p.lookupPeriods());
    assertEquals(List.of(0L), new HsPeriod(new MutableClock(Instant.EPOCH)).lookupPeriods(), "no period -1");
  }
}

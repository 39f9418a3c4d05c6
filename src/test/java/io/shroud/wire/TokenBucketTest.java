package io.shroud.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.testutil.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @Test
  void startsFullAndAllowsABurst() {
    TokenBucket b = new TokenBucket(1000, 5000, clock);
    assertEquals(5000, b.available());
    assertTrue(b.tryTake(4000));
    assertFalse(b.tryTake(1001), "only 1000 left");
    assertTrue(b.tryTake(1000));
    assertEquals(0, b.available());
  }

  @Test
  void refillsAtTheRateAndCapsAtBurst() {
    TokenBucket b = new TokenBucket(1000, 5000, clock);
    b.tryTake(5000);
    clock.advance(Duration.ofMillis(1500));
    assertEquals(1500, b.available());
    clock.advance(Duration.ofHours(1));
    assertEquals(5000, b.available());
  }

  @Test
  void fractionalRefillDoesNotDriftWhenPolledOften() {
    TokenBucket b = new TokenBucket(3, 10, clock);
    b.tryTake(10);
    for (int i = 0; i < 1000; i++) {
      clock.advance(Duration.ofMillis(1));
      b.available();
    }
    assertEquals(3, b.available(), "1 s at 3 B/s is 3 bytes, polled or not");
  }

  @Test
  void longRunThroughputMatchesTheRate() {
    TokenBucket b = new TokenBucket(16384 * 10, 16384 * 2, clock);
    long sent = 0;
    for (int ms = 0; ms < 60_000; ms += 7) {
      while (b.tryTake(16384)) {
        sent += 16384;
      }
      clock.advance(Duration.ofMillis(7));
    }
    long expected = 60L * 16384 * 10 + 16384 * 2;
    assertTrue(Math.abs(sent - expected) <= 16384, "sent " + sent + " expected ~" + expected);
  }

  @Test
  void timeUntilSaysWhenTokensSuffice() {
    TokenBucket b = new TokenBucket(1000, 2000, clock);
    b.tryTake(2000);
    assertEquals(Duration.ofMillis(500), b.timeUntil(500));
    clock.advance(Duration.ofMillis(499));
    assertFalse(b.tryTake(500));
    clock.advance(Duration.ofMillis(1));
    assertEquals(Duration.ZERO, b.timeUntil(500));
    assertTrue(b.tryTake(500));
  }

  @Test
  void clockSteppingBackRefillsNothing() {
    TokenBucket b = new TokenBucket(1000, 2000, clock);
    b.tryTake(2000);
    clock.advance(Duration.ofSeconds(-10));
    assertEquals(0, b.available());
    clock.advance(Duration.ofSeconds(11));
    assertEquals(1000, b.available());
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 10, clock));
    assertThrows(IllegalArgumentException.class, () -> new TokenBucket(10, 0, clock));
    TokenBucket b = new TokenBucket(10, 10, clock);
    assertThrows(IllegalArgumentException.class, () -> b.tryTake(11));
    assertThrows(IllegalArgumentException.class, () -> b.timeUntil(-1));
  }
}

package io.shroud.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PeerRateLimiterTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  private static NodeId peer(int n) {
    byte[] raw = new byte[32];
    raw[0] = (byte) (n >> 24);
    raw[1] = (byte) (n >> 16);
    raw[2] = (byte) (n >> 8);
    raw[3] = (byte) n;
    return NodeId.of(raw);
  }

  @Test
  void aBurstThenTheRatePerPeer() {
    PeerRateLimiter limiter = new PeerRateLimiter(clock, 2, 1.0, 100);
    assertTrue(limiter.tryAcquire(peer(1)));
    assertTrue(limiter.tryAcquire(peer(1)));
    assertFalse(limiter.tryAcquire(peer(1)));
    assertTrue(limiter.tryAcquire(peer(2)), "buckets are per remote node");
    clock.advance(Duration.ofMillis(999));
    assertFalse(limiter.tryAcquire(peer(1)), "not a whole token yet");
    clock.advance(Duration.ofMillis(1));
    assertTrue(limiter.tryAcquire(peer(1)));
    assertFalse(limiter.tryAcquire(peer(1)));
  }

  @Test
  void aRefusedRequestTakesNothing() {
    PeerRateLimiter limiter = new PeerRateLimiter(clock, 1, 2.0, 100);
    assertTrue(limiter.tryAcquire(peer(1)));
    for (int i = 0; i < 100; i++) {
      assertFalse(limiter.tryAcquire(peer(1)));
    }
    clock.advance(Duration.ofMillis(500));
    assertTrue(limiter.tryAcquire(peer(1)), "hammering while empty does not push the refill back");
  }

  @Test
  void aBucketNeverHoldsMoreThanTheBurst() {
    PeerRateLimiter limiter = new PeerRateLimiter(clock, 3, 10.0, 100);
    assertTrue(limiter.tryAcquire(peer(1)));
    clock.advance(Duration.ofHours(1));
    int taken = 0;
    while (limiter.tryAcquire(peer(1))) {
      taken++;
    }
    assertEquals(3, taken);
  }

  @Test
  void aClockSteppingBackRefillsNothing() {
    PeerRateLimiter limiter = new PeerRateLimiter(clock, 1, 1.0, 100);
    assertTrue(limiter.tryAcquire(peer(1)));
    clock.advance(Duration.ofSeconds(-30));
    assertFalse(limiter.tryAcquire(peer(1)));
    clock.advance(Duration.ofSeconds(30));
    assertFalse(limiter.tryAcquire(peer(1)), "time only counts from the latest instant seen");
    clock.advance(Duration.ofSeconds(1));
    assertTrue(limiter.tryAcquire(peer(1)));
  }

  @Test
  void refilledBucketsAreDroppedSoTheMapHoldsOnlyActivePeers() {
    PeerRateLimiter limiter = new PeerRateLimiter(clock, 5, 5.0, 10_000);
    for (int i = 0; i < 1000; i++) {
      limiter.tryAcquire(peer(i));
    }
    assertEquals(1000, limiter.tracked());
    clock.advance(Duration.ofSeconds(1)); // every bucket is full again
    for (int i = 0; i < 600; i++) {
      limiter.tryAcquire(peer(100_000 + i % 3));
    }
    assertEquals(3, limiter.tracked(), "each call drops refilled buckets: only the three active peers stay");
    assertEquals(0, limiter.evictedEarly());
  }

  @Test
  void memoryIsBoundedByMaxTrackedEvenWhenEveryPeerIsBusy() {
    PeerRateLimiter limiter = new PeerRateLimiter(clock, 1, 0.001, 50);
    for (int i = 0; i < 10_000; i++) {
      assertTrue(limiter.tryAcquire(peer(i)), "a new peer is never refused for want of room");
      assertTrue(limiter.tracked() <= 50);
    }
    assertEquals(10_000 - 50, limiter.evictedEarly());
  }

  @Test
  void theLeastRecentlyUsedBucketMakesRoomNotABusyOne() {
    PeerRateLimiter limiter = new PeerRateLimiter(clock, 1, 0.001, 2);
    assertTrue(limiter.tryAcquire(peer(1)));
    assertTrue(limiter.tryAcquire(peer(2)));
    assertFalse(limiter.tryAcquire(peer(1)), "peer 1 is now the most recently used");
    assertTrue(limiter.tryAcquire(peer(3)), "peer 2's bucket gives way");
    assertFalse(limiter.tryAcquire(peer(1)), "peer 1 kept its empty bucket");
    assertFalse(limiter.tryAcquire(peer(3)));
  }

  @Test
  void settingsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new PeerRateLimiter(clock, 0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new PeerRateLimiter(clock, 1, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new PeerRateLimiter(clock, 1, Double.NaN, 1));
    assertThrows(IllegalArgumentException.class, () -> new PeerRateLimiter(clock, 1, 1, 0));
  }
}

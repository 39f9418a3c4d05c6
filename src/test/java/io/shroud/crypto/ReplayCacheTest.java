package io.shroud.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shroud.testutil.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayCacheTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private final MutableClock clock = new MutableClock(START);

  @Test
  void secondSightingIsAReplayUntilItExpires() {
    ReplayCache cache = new ReplayCache(clock, 10);
    Instant until = START.plus(Duration.ofHours(1));
    assertEquals(ReplayCache.Verdict.FRESH, cache.checkAndRemember(key(1), until));
    assertEquals(ReplayCache.Verdict.REPLAY, cache.checkAndRemember(key(1), until));
    assertEquals(ReplayCache.Verdict.FRESH, cache.checkAndRemember(key(2), until));
    clock.advance(Duration.ofHours(1));
    assertEquals(ReplayCache.Verdict.FRESH, cache.checkAndRemember(key(1), until.plus(Duration.ofHours(1))));
    assertEquals(1, cache.size());
  }

  @Test
  void fullCacheRefusesInsteadOfForgetting() {
    ReplayCache cache = new ReplayCache(clock, 2);
    Instant soon = START.plus(Duration.ofMinutes(1));
    Instant late = START.plus(Duration.ofHours(1));
    assertEquals(ReplayCache.Verdict.FRESH, cache.checkAndRemember(key(1), late));
    assertEquals(ReplayCache.Verdict.FRESH, cache.checkAndRemember(key(2), soon));
    assertEquals(ReplayCache.Verdict.FULL, cache.checkAndRemember(key(3), late));
    assertEquals(ReplayCache.Verdict.REPLAY, cache.checkAndRemember(key(1), late));
    clock.advance(Duration.ofMinutes(1)); // key 2 expires even though key 1 sits before it
    assertEquals(ReplayCache.Verdict.FRESH, cache.checkAndRemember(key(3), late));
    assertEquals(ReplayCache.Verdict.REPLAY, cache.checkAndRemember(key(1), late));
  }

  private static byte[] key(int n) {
    byte[] out = new byte[32];
    out[0] = (byte) n;
    return out;
  }
}

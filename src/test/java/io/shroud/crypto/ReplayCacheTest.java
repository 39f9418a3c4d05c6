package io.shroud.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.testutil.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayCacheTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration WINDOW = Duration.ofMinutes(10);
  private final MutableClock clock = new MutableClock(START);

  @Test
  void aSecondSightingWithinTheWindowIsAReplay() {
    ReplayCache cache = new ReplayCache(clock, WINDOW, 10);
    assertEquals(ReplayCache.Verdict.FRESH, cache.checkAndRemember(key(1)));
    assertEquals(ReplayCache.Verdict.REPLAY, cache.checkAndRemember(key(1)));
    assertEquals(ReplayCache.Verdict.FRESH, cache.checkAndRemember(key(2)));
    clock.advance(WINDOW.minusMillis(1));
    assertEquals(ReplayCache.Verdict.REPLAY, cache.checkAndRemember(key(1)), "still inside the window");
  }

  @Test
  void pastTheWindowAnEntryIsForgottenAndItsMemoryFreed() {
    ReplayCache cache = new ReplayCache(clock, WINDOW, 10);
    cache.checkAndRemember(key(1));
    clock.advance(Duration.ofMinutes(5));
    cache.checkAndRemember(key(2));
    clock.advance(Duration.ofMinutes(5)); // key 1 is 10 minutes old, key 2 five
    assertEquals(ReplayCache.Verdict.REPLAY, cache.checkAndRemember(key(2)));
    assertEquals(1, cache.size(), "key 1 left as soon as its window ended");
    assertEquals(ReplayCache.Verdict.FRESH, cache.checkAndRemember(key(1)));
    assertEquals(0, cache.evictedEarly());
  }

  @Test
  void aFullCacheForgetsItsOldestAndNeverRefusesANewFingerprint() {
    ReplayCache cache = new ReplayCache(clock, WINDOW, 3);
    for (int i = 0; i < 10; i++) {
      assertEquals(ReplayCache.Verdict.FRESH, cache.checkAndRemember(key(i)), "fingerprint " + i);
      assertTrue(cache.size() <= 3);
    }
    assertEquals(7, cache.evictedEarly());
    for (int i = 7; i < 10; i++) {
      assertEquals(ReplayCache.Verdict.REPLAY, cache.checkAndRemember(key(i)), "the newest are still held");
    }
    assertEquals(ReplayCache.Verdict.FRESH, cache.checkAndRemember(key(0)), "the oldest made room");
  }

  @Test
  void aFullCacheOfLiveEntriesAnswersWithoutScanning() {
    // the cache this replaced walked every entry on each call once full: 300 000 calls over
    // 100 000 live entries took minutes; one hash probe each takes milliseconds
    ReplayCache cache = new ReplayCache(clock, WINDOW, 100_000);
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      for (int i = 0; i < 300_000; i++) {
        cache.checkAndRemember(key(i));
      }
    });
    assertEquals(100_000, cache.size());
  }

  @Test
  void aClockSteppingBackNeitherLosesNorKeepsEntriesWrongly() {
    ReplayCache cache = new ReplayCache(clock, WINDOW, 10);
    cache.checkAndRemember(key(1));
    clock.advance(Duration.ofMinutes(-30));
    cache.checkAndRemember(key(2)); // seen "before" key 1, but inserted after it
    assertEquals(ReplayCache.Verdict.REPLAY, cache.checkAndRemember(key(1)));
    clock.advance(Duration.ofMinutes(35)); // key 2 is 35 minutes old behind key 1, 5 minutes old
    assertEquals(ReplayCache.Verdict.FRESH, cache.checkAndRemember(key(2)), "expired even behind a younger entry");
    assertEquals(ReplayCache.Verdict.REPLAY, cache.checkAndRemember(key(2)));
  }

  @Test
  void settingsAndFingerprintsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new ReplayCache(clock, WINDOW, 0));
    assertThrows(IllegalArgumentException.class, () -> new ReplayCache(clock, Duration.ZERO, 1));
    assertThrows(IllegalArgumentException.class, () -> new ReplayCache(clock, WINDOW, 1).checkAndRemember(new byte[15]));
  }

  private static byte[] key(int n) {
    byte[] out = new byte[32];
    out[0] = (byte) (n >> 24);
    out[1] = (byte) (n >> 16);
    out[2] = (byte) (n >> 8);
    out[3] = (byte) n;
    return out;
  }
}

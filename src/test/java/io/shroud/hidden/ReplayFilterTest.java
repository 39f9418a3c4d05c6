package io.shroud.hidden;

import static io.shroud.hidden.E2eHandshakeTest.filled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.testutil.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayFilterTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));

  @Test
  void anXIsRefusedForTheWholeWindowThenForgotten() {
    ReplayFilter f = new ReplayFilter(filled(32, 1), clock, Duration.ofHours(26), 10);
    assertFalse(f.seen(filled(32, 5)));
    assertEquals(ReplayFilter.Verdict.FRESH, f.checkAndRemember(filled(32, 5)));
    clock.advance(Duration.ofHours(25));
    assertTrue(f.seen(filled(32, 5)));
    assertEquals(ReplayFilter.Verdict.REPLAY, f.checkAndRemember(filled(32, 5)));
    assertEquals(2, f.replays());
    clock.advance(Duration.ofHours(1));
    assertFalse(f.seen(filled(32, 5)));
    assertEquals(0, f.size());
    assertEquals(ReplayFilter.Verdict.FRESH, f.checkAndRemember(filled(32, 5)));
  }

  @Test
  void aFullFilterRefusesNewIntroductionsAndNeverForgetsOldOnes() {
    ReplayFilter f = new ReplayFilter(filled(32, 1), clock, Duration.ofHours(26), 3);
    for (int i = 0; i < 3; i++) {
      assertEquals(ReplayFilter.Verdict.FRESH, f.checkAndRemember(filled(32, i)));
    }
    assertTrue(f.full());
    assertEquals(ReplayFilter.Verdict.FULL, f.checkAndRemember(filled(32, 9)));
    for (int i = 0; i < 3; i++) {
      assertEquals(ReplayFilter.Verdict.REPLAY, f.checkAndRemember(filled(32, i)), "still remembered: " + i);
    }
    assertEquals(3, f.size());
    clock.advance(Duration.ofHours(26));
    assertFalse(f.full());
    assertEquals(ReplayFilter.Verdict.FRESH, f.checkAndRemember(filled(32, 9)));
  }

  @Test
  void filtersOfTwoAuthKeysAreApartAndSizesAreChecked() {
    ReplayFilter a = new ReplayFilter(filled(32, 1), clock);
    ReplayFilter b = new ReplayFilter(filled(32, 2), clock);
    a.checkAndRemember(filled(32, 7));
    assertFalse(b.seen(filled(32, 7)));
    assertThrows(IllegalArgumentException.class, () -> a.seen(new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> new ReplayFilter(new byte[31], clock));
    assertEquals(16_384, ReplayFilter.DEFAULT_CAPACITY);
  }
}

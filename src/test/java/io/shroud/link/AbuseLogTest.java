package io.shroud.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.testutil.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The rate limit of the log lines about refused and cut peers, on a clock the test moves. */
class AbuseLogTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  @Test
  void oneLinePerAddressPerIntervalWithTheCountOfWhatWasNotLogged() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    AbuseLog log = new AbuseLog(clock, MINUTE, 32);
    AbuseLog.Line first = log.offer("127.42.0.5", "link cut: handshake timeout");
    assertEquals("127.42.0.5: link cut: handshake timeout", first.text());
    for (int i = 0; i < 1000; i++) {
      clock.advance(Duration.ofMillis(50));
      assertNull(log.offer("127.42.0.5", "link cut: handshake timeout"), "a flood is one line");
    }
    assertEquals(1000, log.suppressed());
    clock.advance(Duration.ofSeconds(10)); // 60 s after the first line
    AbuseLog.Line next = log.offer("127.42.0.5", "link cut: protocol violation: record failed authentication");
    assertNotNull(next);
    assertEquals(1000, next.suppressed());
    assertEquals("127.42.0.5: link cut: protocol violation: record failed authentication"
        + " (1000 more from this address not logged)", next.text());
    assertNull(log.offer("127.42.0.5", "again"));
  }

  @Test
  void everyAddressHasItsOwnInterval() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    AbuseLog log = new AbuseLog(clock, MINUTE, 32);
    assertNotNull(log.offer("127.42.0.1", "x"));
    assertNotNull(log.offer("127.42.0.2", "x"));
    assertNull(log.offer("127.42.0.1", "x"));
    clock.advance(Duration.ofSeconds(59));
    assertNull(log.offer("127.42.0.2", "x"));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(1, log.offer("127.42.0.2", "x").suppressed());
  }

  @Test
  void manyAddressesShareABudgetOfLinesAndTheRestIsCountedInTheNextLine() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    AbuseLog log = new AbuseLog(clock, MINUTE, 3);
    int logged = 0;
    for (int i = 0; i < 100; i++) {
      if (log.offer("127.42.1." + i, "connection refused") != null) {
        logged++;
      }
    }
    assertEquals(3, logged, "at most three lines a minute, however many addresses");
    clock.advance(MINUTE);
    AbuseLog.Line line = log.offer("127.42.2.1", "connection refused");
    assertEquals(97, line.othersSuppressed());
    assertTrue(line.text().endsWith("(97 from other addresses not logged)"), line.text());
  }

  @Test
  void itRemembersOnlyTheAddressesOfRecentLines() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    AbuseLog log = new AbuseLog(clock, MINUTE, 4);
    for (int minute = 0; minute < 50; minute++) {
      for (int i = 0; i < 200; i++) {
        log.offer("127.42." + minute + "." + i, "connection refused");
      }
      assertTrue(log.remembered() <= 8, "two intervals' lines at most: " + log.remembered());
      clock.advance(MINUTE);
    }
  }
}

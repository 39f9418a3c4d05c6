package io.shroud.node.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UptimeTrackerTest {
  static final Instant T = Instant.parse("2026-12-07T12:00:00Z");

  @Test
  void uptimeCountsFromUpAndStartsAgainAfterABreak() {
    UptimeTracker t = new UptimeTracker();
    assertEquals(Duration.ZERO, t.uptime("127.2.0.1:25520", T), "never seen");
    t.up("127.2.0.1:25520", T);
    t.up("127.2.0.1:25520", T.plusSeconds(50)); // reachable again while already up: keeps its start
    assertEquals(Duration.ofSeconds(100), t.uptime("127.2.0.1:25520", T.plusSeconds(100)));
    assertEquals(Duration.ZERO, t.uptime("127.3.0.1:25520", T.plusSeconds(100)), "another member");
    t.down("127.2.0.1:25520");
    assertEquals(Duration.ZERO, t.uptime("127.2.0.1:25520", T.plusSeconds(120)));
    t.up("127.2.0.1:25520", T.plusSeconds(130));
    assertEquals(Duration.ofSeconds(20), t.uptime("127.2.0.1:25520", T.plusSeconds(150)));
  }
}

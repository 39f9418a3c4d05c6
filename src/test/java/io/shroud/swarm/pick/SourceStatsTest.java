package io.shroud.swarm.pick;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shroud.testutil.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceStatsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final SourceStats<String> stats = SourceStats.tenSeconds(clock);

  @Test
  void rateIsBytesOverTheWindow() {
    for (int s = 0; s < 10; s++) {
      stats.record("A", 16384);
      clock.advance(Duration.ofSeconds(1));
    }
    assertEquals(16384, stats.rate("A"), 1e-9);
  }

  @Test
  void oldBytesSlideOutOfTheWindow() {
    stats.record("A", 1_000_000);
    clock.advance(Duration.ofSeconds(5));
    assertEquals(200_000, stats.rate("A"), 1e-9, "young source: bytes over time since first seen");
    clock.advance(Duration.ofSeconds(10));
    assertEquals(0, stats.rate("A"), 1e-9);
  }

  @Test
  void rankedPutsFasterSourcesFirst() {
    stats.record("slow", 1000);
    stats.record("fast", 100_000);
    stats.record("mid", 10_000);
    clock.advance(Duration.ofSeconds(2));
    assertEquals(List.of("fast", "mid", "slow"), stats.ranked());
    stats.record("slow", 1_000_000);
    assertEquals(List.of("slow", "fast", "mid"), stats.ranked());
  }

  @Test
  void pipelineDepthFollowsThroughput() {
    assertEquals(2, stats.pipelineDepth("new", Duration.ofSeconds(2), 2, 32));
    for (int s = 0; s < 10; s++) {
      stats.record("A", 16384 * 8);
      clock.advance(Duration.ofSeconds(1));
    }
    assertEquals(16, stats.pipelineDepth("A", Duration.ofSeconds(2), 2, 32));
    assertEquals(10, stats.pipelineDepth("A", Duration.ofSeconds(2), 2, 10));
    stats.remove("A");
    assertEquals(0, stats.rate("A"), 1e-9);
  }
}

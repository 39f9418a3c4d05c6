package io.shroud.circuit;

import java.util.List;
import java.util.random.RandomGenerator;

/** Bandwidth-weighted draws: weight = min(max(bandwidth, 1), cap). */
final class BandwidthWeights {
  private BandwidthWeights() {}

  static long weight(RelayInfo relay, long cap) {
    return Math.min(Math.max(relay.bandwidth(), 1), cap);
  }

  /** One relay drawn from the non-empty {@code pool} with probability proportional to its weight. */
  static RelayInfo pick(List<RelayInfo> pool, RandomGenerator random, long cap) {
    long total = 0;
    for (RelayInfo relay : pool) {
      total = Math.addExact(total, weight(relay, cap));
    }
    long point = random.nextLong(total);
    for (RelayInfo relay : pool) {
      point -= weight(relay, cap);
      if (point < 0) {
        return relay;
      }
    }
    throw new IllegalStateException("weights changed during the draw");
  }
}

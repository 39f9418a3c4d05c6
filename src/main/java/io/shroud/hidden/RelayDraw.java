package io.shroud.hidden;

import io.shroud.identity.NodeId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The draw of an introduction or rendezvous point (protocol §11.5, §11.7): among the relays not
 * excluded and in none of the excluded /16s, those flagged Fast and Stable first, the others only
 * when no flagged one is eligible; weighted by consensus weight, {@code min(max(weight, 1), 2^30)}
 * as path selection does.
 */
final class RelayDraw {
  /** As {@code circuit.PathSelector.DEFAULT_BANDWIDTH_CAP}: one liar cannot take all draws. */
  static final long WEIGHT_CAP = 1L << 30;

  private RelayDraw() {}

  static Optional<HsRelay> pick(Collection<HsRelay> relays, Set<NodeId> excludedIds, Set<Integer> excludedNets,
      RandomGenerator random) {
    Map<NodeId, HsRelay> unique = new LinkedHashMap<>();
    for (HsRelay r : relays) {
      unique.putIfAbsent(r.id(), r);
    }
    List<HsRelay> preferred = new ArrayList<>();
    List<HsRelay> others = new ArrayList<>();
    for (HsRelay r : unique.values()) {
      if (excludedIds.contains(r.id()) || excludedNets.contains(r.slash16())) {
        continue;
      }
      (r.preferred() ? preferred : others).add(r);
    }
    List<HsRelay> pool = preferred.isEmpty() ? others : preferred;
    if (pool.isEmpty()) {
      return Optional.empty();
    }
    long total = 0;
    for (HsRelay r : pool) {
      total += weight(r);
    }
    long point = random.nextLong(total);
    for (HsRelay r : pool) {
      point -= weight(r);
      if (point < 0) {
        return Optional.of(r);
      }
    }
    throw new IllegalStateException("weights changed during the draw");
  }

  static long weight(HsRelay r) {
    return Math.min(Math.max(r.weight(), 1), WEIGHT_CAP);
  }
}

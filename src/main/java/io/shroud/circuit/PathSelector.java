package io.shroud.circuit;

import io.shroud.admission.RelayFlag;
import io.shroud.identity.NodeId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Chooses circuit paths (protocol §6.7): hop 1 from the guard list, the last hop the destination
 * (given or bandwidth-weighted), middle hops bandwidth-weighted; never a node twice, never two
 * hops in one IPv4 /16. The bandwidth is what {@link RelayInfo#bandwidth()} says: a descriptor's
 * claim, or a consensus's measured weight ({@link RelayDirectory#of(io.shroud.admission.Consensus,
 * List)}, with {@link GuardRule#FLAG_REQUIRED}). Pure; the random source is injected.
 */
public final class PathSelector {
  public static final int MIN_HOPS = 1;
  public static final int MAX_HOPS = OnionLayers.MAX_HOPS;
  public static final int DEFAULT_HOPS = 3;
  /** Default weight cap: 1 GB/s, far above honest relays here, so one liar cannot take all. */
  public static final long DEFAULT_BANDWIDTH_CAP = 1L << 30;

  private final RandomGenerator random;
  private final long bandwidthCap;

  public PathSelector(RandomGenerator random, long bandwidthCap) {
    if (bandwidthCap < 1 || bandwidthCap > (1L << 40)) {
      throw new IllegalArgumentException("bandwidth cap must be in 1..2^40");
    }
    this.random = Objects.requireNonNull(random, "random");
    this.bandwidthCap = bandwidthCap;
  }

  public PathSelector(RandomGenerator random) {
    this(random, DEFAULT_BANDWIDTH_CAP);
  }

  /**
   * A path of {@code hops} relays, first hop first.
   *
   * @param candidates the relays of the directory (duplicates by id: the first wins)
   * @param guards the guard list in preference order ({@link GuardSet#guards})
   * @param destination the last hop, or null for a bandwidth-weighted random one
   * @param hops 1..4
   * @param exclude ids never to use (this node itself)
   * @throws PathSelectionException when some step has no eligible relay
   */
  public List<RelayInfo> select(List<RelayInfo> candidates, List<NodeId> guards, NodeId destination, int hops,
      Set<NodeId> exclude) throws PathSelectionException {
    return select(candidates, guards, destination, hops, exclude, GuardRule.FLAGGED_WHEN_ANY);
  }

  /**
   * As {@link #select(List, List, NodeId, int, Set)}; under {@link GuardRule#FLAG_REQUIRED} hop 1
   * is the first guard in the list that carries the Guard flag in {@code candidates}, so a relay
   * without it is never a first hop of a path this selector draws (protocol §10.10). The one
   * exception is the caller's own: a 1-hop path to a named destination goes straight to it.
   */
  public List<RelayInfo> select(List<RelayInfo> candidates, List<NodeId> guards, NodeId destination, int hops,
      Set<NodeId> exclude, GuardRule rule) throws PathSelectionException {
    if (hops < MIN_HOPS || hops > MAX_HOPS) {
      throw new IllegalArgumentException("hops must be " + MIN_HOPS + ".." + MAX_HOPS + ", got " + hops);
    }
    Map<NodeId, RelayInfo> usable = new LinkedHashMap<>();
    for (RelayInfo relay : candidates) {
      if (!exclude.contains(relay.id())) {
        usable.putIfAbsent(relay.id(), relay);
      }
    }
    RelayInfo dest = null;
    if (destination != null) {
      dest = usable.get(destination);
      if (dest == null) {
        throw new PathSelectionException("destination " + destination.shortHex() + " is not a usable relay");
      }
      if (hops == 1) {
        return List.of(dest);
      }
    }
    RelayInfo guard = firstGuard(guards, usable, dest, rule);
    if (hops == 1) {
      return List.of(guard);
    }
    List<RelayInfo> chosen = new ArrayList<>(List.of(guard));
    if (dest == null) {
      dest = draw(usable, chosen, "the destination");
    }
    chosen.add(dest);
    List<RelayInfo> middles = new ArrayList<>();
    for (int i = 0; i < hops - 2; i++) {
      RelayInfo middle = draw(usable, chosen, "middle hop " + (i + 2));
      middles.add(middle);
      chosen.add(middle);
    }
    List<RelayInfo> path = new ArrayList<>(hops);
    path.add(guard);
    path.addAll(middles);
    path.add(dest);
    return List.copyOf(path);
  }

  private static RelayInfo firstGuard(List<NodeId> guards, Map<NodeId, RelayInfo> usable, RelayInfo dest,
      GuardRule rule) throws PathSelectionException {
    for (NodeId id : guards) {
      RelayInfo guard = usable.get(id);
      if (guard != null && (dest == null || guard.compatibleWith(dest))
          && (rule == GuardRule.FLAGGED_WHEN_ANY || guard.has(RelayFlag.GUARD))) {
        return guard;
      }
    }
    throw new PathSelectionException(dest == null
        ? "no guard of " + guards.size() + " is a usable relay" + (rule == GuardRule.FLAG_REQUIRED
            ? " with the Guard flag" : "")
        : "no guard of " + guards.size() + " is usable with destination " + dest.id().shortHex()
            + " (same node or same /16)");
  }

  private RelayInfo draw(Map<NodeId, RelayInfo> usable, List<RelayInfo> chosen, String step)
      throws PathSelectionException {
    Set<Integer> usedNets = new HashSet<>();
    for (RelayInfo relay : chosen) {
      usedNets.add(relay.slash16());
    }
    List<RelayInfo> pool = new ArrayList<>();
    for (RelayInfo relay : usable.values()) {
      if (!usedNets.contains(relay.slash16())) {
        pool.add(relay); // a used id implies a used /16
      }
    }
    if (pool.isEmpty()) {
      throw new PathSelectionException("no relay left for " + step + ": " + usable.size()
          + " usable relays, all in the /16s already on the path");
    }
    return BandwidthWeights.pick(pool, random, bandwidthCap);
  }
}

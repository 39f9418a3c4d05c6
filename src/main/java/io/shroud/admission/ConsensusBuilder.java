package io.shroud.admission;

import io.shroud.identity.NodeId;
import java.net.Inet4Address;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * Combines the authorities' {@link Vote votes} into the body of a {@link Consensus}
 * (design.md, "The consensus: votes, weights and flags"). Deterministic: the same votes, in any
 * order, give the same bytes, so each authority computes the body the others sign.
 *
 * <ol>
 *   <li>A relay is listed only if a majority of the network's authorities (⌊n/2⌋ + 1 of n, not
 *       of the votes at hand) reached its data port at one address; that address is listed.
 *   <li>Over the votes of that majority: weight = min(low median of the measurements, low median
 *       of the claims): a claim may lower the weight, never raise it. A relay of weight 0 is not
 *       listed.
 *   <li>At most {@code maxPerSlash24} relays per IPv4 /24: the heaviest, ties by node id; at most
 *       {@link Consensus#MAX_RELAYS} in all, likewise.
 *   <li>Flags, over the listed relays: Fast when the weight is at least the lower 1/8 cut or at
 *       least the fast guarantee; Stable when the median uptime is at least the stable minimum;
 *       Guard when Fast, Stable, the median uptime is at least the guard minimum and the weight
 *       is at least the (low) median weight of the listed relays.
 * </ol>
 */
public final class ConsensusBuilder {
  private final ConsensusSettings settings;

  public ConsensusBuilder(ConsensusSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** One relay that passed step 1 and 2: what it will be listed with, before its flags. */
  private record Candidate(RelayMeasurement at, long weight, Duration uptime) {
    NodeId id() {
      return at.id();
    }
  }

  /**
   * The unsigned consensus for {@code network} from {@code votes}, valid from {@code validAfter}
   * (truncated to the second).
   *
   * @throws IllegalArgumentException when a vote is not by one of the network's authorities, or
   *     two votes are by the same one
   */
  public Consensus build(NetworkDefinition network, List<Vote> votes, Instant validAfter) {
    Set<NodeId> voters = new HashSet<>();
    for (Vote v : votes) {
      if (network.authority(v.authorityKey()).isEmpty()) {
        throw new IllegalArgumentException("a vote is by a key that is not an authority of " + network.name());
      }
      if (!voters.add(NodeId.of(v.authorityKey()))) {
        throw new IllegalArgumentException("two votes by one authority of " + network.name());
      }
    }
    int majority = NetworkDefinition.majority(network.authorities().size());
    Map<NodeId, List<RelayMeasurement>> reachedBy = new TreeMap<>();
    for (Vote v : votes) {
      for (RelayMeasurement m : v.measurements()) {
        if (m.reachable()) {
          reachedBy.computeIfAbsent(m.id(), k -> new ArrayList<>()).add(m);
        }
      }
    }
    List<Candidate> candidates = new ArrayList<>();
    for (List<RelayMeasurement> seen : reachedBy.values()) {
      List<RelayMeasurement> agreeing = largestAgreeingGroup(seen);
      if (agreeing.size() < majority) {
        continue;
      }
      long measured = Math.min(lowMedian(agreeing, RelayMeasurement::measuredKiBps), Consensus.MAX_WEIGHT);
      long claimed = lowMedian(agreeing, RelayMeasurement::claimedKiBps);
      long weight = Math.min(measured, claimed);
      if (weight >= 1) {
        Duration uptime = Duration.ofMillis(lowMedian(agreeing, m -> m.uptime().toMillis()));
        candidates.add(new Candidate(agreeing.get(0), weight, uptime));
      }
    }
    List<Candidate> listed = limit(candidates);
    return Consensus.unsigned(network.id(), validAfter, validAfter.plus(settings.freshFor()),
        validAfter.plus(settings.validFor()), flagged(listed));
  }

  /** The measurements that agree on the relay's address and port, the most of them (ties: lowest address). */
  private static List<RelayMeasurement> largestAgreeingGroup(List<RelayMeasurement> seen) {
    Map<String, List<RelayMeasurement>> byAddress = new TreeMap<>();
    for (RelayMeasurement m : seen) {
      String key = String.format("%08x:%05d", addressBits(m.address()), m.port());
      byAddress.computeIfAbsent(key, k -> new ArrayList<>()).add(m);
    }
    List<RelayMeasurement> best = List.of();
    for (List<RelayMeasurement> group : byAddress.values()) {
      if (group.size() > best.size()) {
        best = group;
      }
    }
    return best;
  }

  /** Heaviest first, ties by node id: at most maxPerSlash24 per /24 and MAX_RELAYS in all. */
  private List<Candidate> limit(List<Candidate> candidates) {
    List<Candidate> heaviest = new ArrayList<>(candidates);
    heaviest.sort(Comparator.comparingLong(Candidate::weight).reversed().thenComparing(Candidate::id));
    Map<Long, Integer> perNet = new HashMap<>();
    List<Candidate> kept = new ArrayList<>();
    for (Candidate c : heaviest) {
      long net = addressBits(c.at().address()) >>> 8;
      int n = perNet.merge(net, 1, Integer::sum);
      if (n <= settings.maxPerSlash24() && kept.size() < Consensus.MAX_RELAYS) {
        kept.add(c);
      }
    }
    return kept;
  }

  private List<Consensus.Relay> flagged(List<Candidate> listed) {
    if (listed.isEmpty()) {
      return List.of();
    }
    long[] weights = listed.stream().mapToLong(Candidate::weight).sorted().toArray();
    long fastCut = Math.min(weights[weights.length / 8], settings.fastGuaranteeKiBps());
    long guardCut = weights[(weights.length - 1) / 2];
    List<Consensus.Relay> out = new ArrayList<>();
    for (Candidate c : listed) {
      Set<RelayFlag> flags = EnumSet.noneOf(RelayFlag.class);
      boolean fast = c.weight() >= fastCut;
      boolean stable = c.uptime().compareTo(settings.stableMinUptime()) >= 0;
      if (fast) {
        flags.add(RelayFlag.FAST);
      }
      if (stable) {
        flags.add(RelayFlag.STABLE);
      }
      if (fast && stable && c.uptime().compareTo(settings.guardMinUptime()) >= 0 && c.weight() >= guardCut) {
        flags.add(RelayFlag.GUARD);
      }
      RelayMeasurement m = c.at();
      out.add(new Consensus.Relay(m.id(), m.identityKey(), m.address(), m.port(), flags, c.weight()));
    }
    return out;
  }

  /** The lower of the two middle values (the middle one for an odd count) of a non-empty list. */
  static <T> long lowMedian(List<T> items, ToLongFunction<T> value) {
    long[] v = items.stream().mapToLong(value).sorted().toArray();
    return v[(v.length - 1) / 2];
  }

  private static long addressBits(Inet4Address a) {
    byte[] b = a.getAddress();
    return ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
  }

  @Override
  public String toString() {
    return "ConsensusBuilder[" + settings + "]";
  }
}

package io.shroud.circuit;

import io.shroud.admission.RelayFlag;
import io.shroud.identity.NodeId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * A node's persistent entry guards (protocol §6.7; persistence: design.md §8): a few bandwidth-weighted relays in distinct
 * /16s, each kept for a long randomized lifetime. A guard missing from the directory is kept
 * (unused) until it expires, so knocking guards offline cannot force fast rotation; at most
 * {@code maxSampled} entries exist at once. {@code KeysActor} persists {@link #entries()} (or
 * journals each {@link Changes}) and rebuilds with the restoring constructor. Pure; clock and
 * random source injected; not thread-safe.
 */
public final class GuardSet {
  /** Tuning: guards wanted, cap on entries, lifetime range. */
  public record Params(int size, int maxSampled, Duration minLifetime, Duration maxLifetime) {
    public static final Params DEFAULT = new Params(3, 10, Duration.ofDays(60), Duration.ofDays(90));

    public Params {
      if (size < 1 || maxSampled < size) {
        throw new IllegalArgumentException("need 1 <= size <= maxSampled");
      }
      if (minLifetime.isNegative() || minLifetime.isZero() || maxLifetime.compareTo(minLifetime) < 0) {
        throw new IllegalArgumentException("need 0 < minLifetime <= maxLifetime");
      }
    }
  }

  /** One guard: its id, when it was chosen and when it will be replaced. */
  public record Entry(NodeId id, Instant added, Instant expires) {}

  /** What one {@link #refresh} did, in order, for journalling. */
  public record Changes(List<Entry> added, List<Entry> removed) {
    public boolean isEmpty() {
      return added.isEmpty() && removed.isEmpty();
    }
  }

  private final Clock clock;
  private final RandomGenerator random;
  private final Params params;
  private final long bandwidthCap;
  private final List<Entry> entries = new ArrayList<>();

  public GuardSet(Clock clock, RandomGenerator random, Params params, List<Entry> restored) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.params = Objects.requireNonNull(params, "params");
    this.bandwidthCap = PathSelector.DEFAULT_BANDWIDTH_CAP;
    entries.addAll(restored);
  }

  public GuardSet(Clock clock, RandomGenerator random) {
    this(clock, random, Params.DEFAULT, List.of());
  }

  /** {@link #refresh(List, GuardRule)} for relays from descriptors ({@link GuardRule#FLAGGED_WHEN_ANY}). */
  public Changes refresh(List<RelayInfo> candidates) {
    return refresh(candidates, GuardRule.FLAGGED_WHEN_ANY);
  }

  /**
   * Drops expired guards and samples new ones until {@code size} of them are listed; under
   * {@link GuardRule#FLAG_REQUIRED} a guard is listed only while it has the Guard flag, and only
   * flagged relays are sampled.
   */
  public Changes refresh(List<RelayInfo> candidates, GuardRule rule) {
    Instant now = clock.instant();
    List<Entry> removed = new ArrayList<>();
    entries.removeIf(entry -> {
      boolean expired = !now.isBefore(entry.expires());
      if (expired) {
        removed.add(entry);
      }
      return expired;
    });
    Map<NodeId, RelayInfo> byId = new HashMap<>();
    for (RelayInfo relay : candidates) {
      byId.putIfAbsent(relay.id(), relay);
    }
    List<Entry> added = new ArrayList<>();
    while (listed(byId, rule).size() < params.size() && entries.size() < params.maxSampled()) {
      List<RelayInfo> pool = eligible(byId, rule);
      if (pool.isEmpty()) {
        break;
      }
      RelayInfo pick = BandwidthWeights.pick(pool, random, bandwidthCap);
      Entry entry = new Entry(pick.id(), now, now.plus(lifetime()));
      entries.add(entry);
      added.add(entry);
    }
    return new Changes(List.copyOf(added), List.copyOf(removed));
  }

  /** {@link #guards(List, GuardRule)} for relays from descriptors ({@link GuardRule#FLAGGED_WHEN_ANY}). */
  public List<NodeId> guards(List<RelayInfo> candidates) {
    return guards(candidates, GuardRule.FLAGGED_WHEN_ANY);
  }

  /**
   * The ids of guards present in {@code candidates} (and, under {@link GuardRule#FLAG_REQUIRED},
   * flagged Guard there), oldest first: what path selection uses.
   */
  public List<NodeId> guards(List<RelayInfo> candidates, GuardRule rule) {
    Map<NodeId, RelayInfo> byId = new HashMap<>();
    for (RelayInfo relay : candidates) {
      byId.putIfAbsent(relay.id(), relay);
    }
    return listed(byId, rule).stream().map(RelayInfo::id).toList();
  }

  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  private List<RelayInfo> listed(Map<NodeId, RelayInfo> byId, GuardRule rule) {
    List<RelayInfo> out = new ArrayList<>();
    for (Entry entry : entries) {
      RelayInfo relay = byId.get(entry.id());
      if (relay != null && (rule == GuardRule.FLAGGED_WHEN_ANY || relay.has(RelayFlag.GUARD))) {
        out.add(relay);
      }
    }
    return out;
  }

  private List<RelayInfo> eligible(Map<NodeId, RelayInfo> byId, GuardRule rule) {
    Set<NodeId> taken = new HashSet<>();
    Set<Integer> nets = new HashSet<>();
    for (Entry entry : entries) {
      taken.add(entry.id());
    }
    for (RelayInfo relay : listed(byId, rule)) {
      nets.add(relay.slash16());
    }
    boolean anyFlagged = rule == GuardRule.FLAG_REQUIRED
        || byId.values().stream().anyMatch(r -> r.has(RelayFlag.GUARD));
    List<RelayInfo> pool = new ArrayList<>();
    for (RelayInfo relay : byId.values()) {
      if ((!anyFlagged || relay.has(RelayFlag.GUARD)) && !taken.contains(relay.id())
          && !nets.contains(relay.slash16())) {
        pool.add(relay);
      }
    }
    pool.sort((a, b) -> a.id().compareTo(b.id())); // HashMap order must not steer seeded draws
    return pool;
  }

  private Duration lifetime() {
    long min = params.minLifetime().toSeconds();
    long max = params.maxLifetime().toSeconds();
    return Duration.ofSeconds(min == max ? min : random.nextLong(min, max + 1));
  }

  @Override
  public String toString() {
    return "GuardSet[" + entries.size() + " entries]";
  }
}

package io.shroud.admission;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link ConsensusBuilder} turns votes into a consensus (design.md, "The consensus: votes,
 * weights and flags", gives the reasons for each default).
 *
 * @param fastGuaranteeKiBps a relay at least this fast is Fast even outside the upper 7/8
 * @param stableMinUptime the median uptime that earns Stable
 * @param guardMinUptime the median uptime a Guard needs (besides Fast, Stable, median weight)
 * @param maxPerSlash24 the most relays listed in one IPv4 /24
 * @param freshFor valid-after to fresh-until: how often a consensus is made
 * @param validFor valid-after to valid-until: how long one is accepted
 */
public record ConsensusSettings(long fastGuaranteeKiBps, Duration stableMinUptime, Duration guardMinUptime,
    int maxPerSlash24, Duration freshFor, Duration validFor) {
  /** Tor's values where Shroud has the same notion: 100 KiB/s, 5 days, 8 days, 2, 1 hour, 3 hours. */
  public static final ConsensusSettings DEFAULT = new ConsensusSettings(100, Duration.ofDays(5), Duration.ofDays(8),
      2, Duration.ofHours(1), Duration.ofHours(3));

  public ConsensusSettings {
    Objects.requireNonNull(stableMinUptime, "stableMinUptime");
    Objects.requireNonNull(guardMinUptime, "guardMinUptime");
    Objects.requireNonNull(freshFor, "freshFor");
    Objects.requireNonNull(validFor, "validFor");
    if (fastGuaranteeKiBps < 1 || fastGuaranteeKiBps > Consensus.MAX_WEIGHT) {
      throw new IllegalArgumentException("fast guarantee must be 1.." + Consensus.MAX_WEIGHT + " KiB/s");
    }
    if (stableMinUptime.isNegative() || guardMinUptime.isNegative()) {
      throw new IllegalArgumentException("minimum uptimes must not be negative");
    }
    if (maxPerSlash24 < 1) {
      throw new IllegalArgumentException("at least one relay per /24 must be allowed");
    }
    if (freshFor.toSeconds() < 1 || validFor.compareTo(freshFor) < 0
        || validFor.compareTo(Consensus.MAX_VALIDITY) > 0) {
      throw new IllegalArgumentException("need 1 s <= fresh-for <= valid-for <= " + Consensus.MAX_VALIDITY);
    }
  }
}

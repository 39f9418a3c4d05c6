package io.shroud.admission;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * One authority's vote: its measurement of every relay it knows ({@link RelayMeasurement}), at
 * most one per relay. {@link ConsensusBuilder} combines the votes of a network's authorities.
 * Votes are values here; carrying and authenticating them between authorities is the caller's.
 */
public record Vote(byte[] authorityKey, List<RelayMeasurement> measurements) {
  /** The most relays one vote may measure. */
  public static final int MAX_MEASUREMENTS = 4 * Consensus.MAX_RELAYS;

  public Vote {
    if (authorityKey == null || authorityKey.length != Ed25519.PUBLIC_KEY_BYTES) {
      throw new IllegalArgumentException("authority key must be 32 bytes");
    }
    measurements = List.copyOf(measurements);
    if (measurements.size() > MAX_MEASUREMENTS) {
      throw new IllegalArgumentException("a vote measures at most " + MAX_MEASUREMENTS + " relays");
    }
    Set<NodeId> seen = new HashSet<>();
    for (RelayMeasurement m : measurements) {
      if (!seen.add(m.id())) {
        throw new IllegalArgumentException("a vote measures relay " + m.id().shortHex() + " twice");
      }
    }
    authorityKey = authorityKey.clone();
  }

  @Override
  public byte[] authorityKey() {
    return authorityKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Vote v && Arrays.equals(v.authorityKey, authorityKey) && v.measurements.equals(measurements);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(authorityKey) * 31 + measurements.hashCode();
  }

  @Override
  public String toString() {
    return "Vote[by " + HexFormat.of().formatHex(authorityKey) + ", " + measurements.size() + " relays]";
  }
}

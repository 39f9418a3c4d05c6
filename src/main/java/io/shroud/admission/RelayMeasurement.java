package io.shroud.admission;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * What one authority measured of one relay for its vote (design.md, "The consensus: votes,
 * weights and flags"): the relay's identity key and data-port address, whether the authority
 * reached that port, the bandwidth it measured through probe circuits, how long it has seen the
 * relay up without a break, and the bandwidth the relay claims in its descriptor. Bandwidths in
 * KiB/s, at least 0.
 */
public record RelayMeasurement(byte[] identityKey, Inet4Address address, int port, boolean reachable,
    long measuredKiBps, Duration uptime, long claimedKiBps) {
  public RelayMeasurement {
    if (identityKey == null || identityKey.length != Ed25519.PUBLIC_KEY_BYTES) {
      throw new IllegalArgumentException("identity key must be 32 bytes");
    }
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(uptime, "uptime");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port " + port + " is outside 1..65535");
    }
    if (measuredKiBps < 0 || claimedKiBps < 0 || uptime.isNegative()) {
      throw new IllegalArgumentException("bandwidths and uptime must not be negative");
    }
    identityKey = identityKey.clone();
  }

  /** The relay's node id, {@code H(identityKey)}. */
  public NodeId id() {
    return NodeId.ofIdentityKey(identityKey);
  }

  @Override
  public byte[] identityKey() {
    return identityKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RelayMeasurement m && Arrays.equals(m.identityKey, identityKey) && m.address.equals(address)
        && m.port == port && m.reachable == reachable && m.measuredKiBps == measuredKiBps
        && m.uptime.equals(uptime) && m.claimedKiBps == claimedKiBps;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(identityKey), address, port, reachable, measuredKiBps, uptime, claimedKiBps);
  }
}

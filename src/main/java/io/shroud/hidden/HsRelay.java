package io.shroud.hidden;

import io.shroud.identity.NodeId;
import java.util.Objects;

/**
 * A relay of the consensus as the hidden-seeding plans see it (protocol §11.5, §11.7): node id,
 * IPv4 /16 (first octet × 256 + second), consensus weight (KiB/s) and the two flags the choice of
 * an introduction or rendezvous point reads. The layer above builds it from its directory
 * ({@code circuit.RelayInfo}); this package does not see the consensus itself.
 */
public record HsRelay(NodeId id, int slash16, long weight, boolean fast, boolean stable) {
  public HsRelay {
    Objects.requireNonNull(id, "id");
    if (slash16 < 0 || slash16 > 0xFFFF) {
      throw new IllegalArgumentException("a /16 is 0..65535, got " + slash16);
    }
    if (weight < 0) {
      throw new IllegalArgumentException("weight must not be negative");
    }
  }

  /** The /16 of an IPv4 address given as its 4 bytes. */
  public static int slash16(byte[] ipv4) {
    if (ipv4 == null || ipv4.length != 4) {
      throw new IllegalArgumentException("an IPv4 address has 4 bytes");
    }
    return ((ipv4[0] & 0xFF) << 8) | (ipv4[1] & 0xFF);
  }

  /** Flagged Fast and Stable: the first choice for an introduction or rendezvous point. */
  public boolean preferred() {
    return fast && stable;
  }
}

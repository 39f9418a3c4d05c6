package io.shroud.circuit;

import io.shroud.admission.RelayFlag;
import io.shroud.identity.NodeId;
import java.net.Inet4Address;
import java.util.Objects;
import java.util.Set;

/**
 * What path selection knows of a relay: node id, IPv4 data-plane address, bandwidth (KiB/s,
 * ≥ 0: a consensus's measured weight, or before one exists a descriptor's advertised bandwidth)
 * and flags (from the consensus; none from descriptors).
 */
public record RelayInfo(NodeId id, Inet4Address address, long bandwidth, Set<RelayFlag> flags) {
  public RelayInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
    if (bandwidth < 0) {
      throw new IllegalArgumentException("bandwidth must not be negative");
    }
    flags = Set.copyOf(flags);
  }

  /** The IPv4 /16 as a number: first octet × 256 + second octet. */
  public int slash16() {
    byte[] a = address.getAddress();
    return ((a[0] & 0xFF) << 8) | (a[1] & 0xFF);
  }

  public boolean has(RelayFlag flag) {
    return flags.contains(flag);
  }

  /** True when the two relays may share a path: different ids and different /16s. */
  public boolean compatibleWith(RelayInfo other) {
    return !id.equals(other.id) && slash16() != other.slash16();
  }
}

package io.shroud.dht;

import io.shroud.identity.NodeId;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * A DHT node as the routing table knows it: its id, its data-plane address and when it was
 * last heard from. Immutable; {@link #withLastSeen(Instant)} returns a copy.
 *
 * @param id the node's 256-bit id (SHA-256 of its Ed25519 identity key)
 * @param address the data-plane IPv4 or IPv6 address
 * @param port the data-plane TCP port, 1..65535
 * @param lastSeen when the node last answered or sent us a valid message
 */
public record Contact(NodeId id, InetAddress address, int port, Instant lastSeen) {
  public Contact {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(lastSeen, "lastSeen");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, got " + port);
    }
  }

  /** This contact with {@code when} as its last-seen time (this instance when unchanged). */
  public Contact withLastSeen(Instant when) {
    return when.equals(lastSeen) ? this : new Contact(id, address, port, when);
  }

  /** The address block that the eclipse rule counts: IPv4 /24 or IPv6 /64. */
  public SubnetPrefix subnet() {
    return SubnetPrefix.of(address);
  }

  /** True when both name the same node at the same address and port (last-seen ignored). */
  public boolean sameEndpoint(Contact other) {
    return id.equals(other.id) && address.equals(other.address) && port == other.port;
  }

  @Override
  public String toString() {
    return "Contact[" + id.shortHex() + "@" + address.getHostAddress() + ":" + port + "]";
  }
}

package io.shroud.dht;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The address block one operator is assumed to control cheaply: the /24 of an IPv4 address
 * or the /64 of an IPv6 address. The routing table admits at most
 * {@link RoutingConfig#maxPerSubnet()} contacts from one block into one bucket, so that one
 * operator with many addresses in a block cannot fill a bucket (eclipse resistance).
 * Loopback counts like any other address: 127.1.0.1 and 127.2.0.1 are different blocks,
 * 127.1.0.1 and 127.1.0.2 the same one. IPv4-mapped IPv6 addresses are seen by Java as
 * IPv4 addresses and so fall under the /24 rule.
 *
 * @param value a printable block name such as {@code 10.1.2.0/24} or {@code 20010db8000000ff::/64}
 */
public record SubnetPrefix(String value) {
  public SubnetPrefix {
    Objects.requireNonNull(value, "value");
  }

  /** The /24 (IPv4) or /64 (IPv6) block that contains {@code address}. */
  public static SubnetPrefix of(InetAddress address) {
    byte[] raw = address.getAddress();
    if (address instanceof Inet4Address) {
      return new SubnetPrefix(
          (raw[0] & 0xff) + "." + (raw[1] & 0xff) + "." + (raw[2] & 0xff) + ".0/24");
    }
    return new SubnetPrefix(HexFormat.of().formatHex(raw, 0, 8) + "::/64");
  }

  @Override
  public String toString() {
    return value;
  }
}

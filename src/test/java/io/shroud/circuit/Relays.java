package io.shroud.circuit;

import io.shroud.admission.RelayFlag;
import io.shroud.identity.NodeId;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.util.Set;

/** Test fixtures: relays named by a short string, with an address and bandwidth. */
final class Relays {
  private Relays() {}

  static NodeId id(String name) {
    try {
      return NodeId.of(MessageDigest.getInstance("SHA-256").digest(name.getBytes()));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static RelayInfo relay(String name, String ip, long bandwidth, RelayFlag... flags) {
    try {
      return new RelayInfo(id(name), (Inet4Address) InetAddress.getByName(ip), bandwidth, Set.of(flags));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}

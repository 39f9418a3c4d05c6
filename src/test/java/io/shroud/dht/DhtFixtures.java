package io.shroud.dht;

import io.shroud.identity.NodeId;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;

/** Ids and contacts for DHT tests. */
final class DhtFixtures {
  static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");

  private DhtFixtures() {}

  /** An id whose leading bytes are {@code prefix} and the rest zero. */
  static NodeId id(int... prefix) {
    byte[] b = new byte[NodeId.BYTES];
    for (int i = 0; i < prefix.length; i++) {
      b[i] = (byte) prefix[i];
    }
    return NodeId.of(b);
  }

  /** An id that is {@code n} as a big-endian number: its distance from the zero id is n. */
  static NodeId num(int n) {
    byte[] b = new byte[NodeId.BYTES];
    b[28] = (byte) (n >>> 24);
    b[29] = (byte) (n >>> 16);
    b[30] = (byte) (n >>> 8);
    b[31] = (byte) n;
    return NodeId.of(b);
  }

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static Contact contact(NodeId id, String ip) {
    return new Contact(id, ip(ip), 7000, T0);
  }

  /** A contact in its own /24: 10.(n / 256).(n % 256).1. */
  static Contact contact(NodeId id, int n) {
    return contact(id, "10." + ((n >>> 8) & 0xff) + "." + (n & 0xff) + ".1");
  }
}

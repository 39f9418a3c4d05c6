package io.shroud.dht;

import static io.shroud.dht.DhtFixtures.T0;
import static io.shroud.dht.DhtFixtures.ip;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One or more messages of every type, with deterministic keys, for codec tests and seeds. */
final class DhtMessageSamples {
  static final Ed25519.KeyPair KEY = Ed25519.fromPrivateKey(new byte[32]);

  private DhtMessageSamples() {}

  static NodeId id(int seed) {
    byte[] b = new byte[NodeId.BYTES];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (seed * 31 + i * 7);
    }
    return NodeId.of(b);
  }

  /** {@code n} contacts alternating IPv4 and IPv6, lastSeen EPOCH as decoded contacts have. */
  static List<Contact> contacts(int n, boolean ipv6Only) {
    List<Contact> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String addr = ipv6Only || i % 2 == 1 ? "2001:db8:" + i + "::" + (i + 1) : "127." + i + ".0.1";
      out.add(new Contact(id(i), ip(addr), 1 + i * 1000, Instant.EPOCH));
    }
    return out;
  }

  static SignedRecord record(int key, int valueBytes) {
    byte[] value = new byte[valueBytes];
    for (int i = 0; i < valueBytes; i++) {
      value[i] = (byte) i;
    }
    return SignedRecord.sign(KEY, id(key), 5, T0.plusSeconds(3600), value);
  }

  static List<DhtMessage> all() {
    return List.of(
        new DhtMessage.Ping(1),
        new DhtMessage.Pong(-1),
        new DhtMessage.FindNode(0x0102030405060708L, id(1)),
        new DhtMessage.Nodes(2, List.of()),
        new DhtMessage.Nodes(3, contacts(20, true)),
        new DhtMessage.FindValue(4, id(2)),
        new DhtMessage.Values(5, List.of(record(2, 10)), List.of()),
        new DhtMessage.Values(6, List.of(), contacts(7, false)),
        new DhtMessage.Values(7, List.of(record(2, 1024), record(2, 0)), contacts(20, true)),
        new DhtMessage.Store(8, record(3, 1024)),
        DhtMessage.Stored.accepted(9),
        new DhtMessage.Stored(10, RecordRejection.STALE_SEQ));
  }
}

package io.shroud.admission;

import static io.shroud.admission.RevocationListTest.filled;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import io.shroud.testutil.SeededRandom;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Fixed authorities, a network and relays for the consensus tests. */
final class ConsensusFixtures {
  static final Instant VALID_AFTER = Instant.parse("2026-12-07T12:00:00Z");
  static final Instant FRESH_UNTIL = VALID_AFTER.plus(Duration.ofHours(1));
  static final Instant VALID_UNTIL = VALID_AFTER.plus(Duration.ofHours(3));
  static final List<Ed25519.KeyPair> AUTHORITIES =
      List.of(Ed25519.fromPrivateKey(filled(32, 1)), Ed25519.fromPrivateKey(filled(32, 2)),
          Ed25519.fromPrivateKey(filled(32, 3)));

  private ConsensusFixtures() {}

  /** A network whose authorities are {@code keys}; revocation threshold 1 (the consensus ignores it). */
  static NetworkDefinition network(String name, List<Ed25519.KeyPair> keys, long seed) {
    TrustRootKey root = TrustRootKey.generate(name, VALID_AFTER, TrustRootKey.DEFAULT_VALIDITY, SeededRandom.of(seed));
    List<NetworkDefinition.Authority> list = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      list.add(new NetworkDefinition.Authority("authority-" + (i + 1), keys.get(i).publicKey()));
    }
    return NetworkDefinition.of(name, root.certificate(), list, 1, Duration.ofMinutes(1));
  }

  /** The identity key of relay {@code n}: Ed25519 with private key 32 bytes of {@code 0x40 + n}. */
  static byte[] identityKey(int n) {
    return Ed25519.fromPrivateKey(filled(32, 0x40 + n)).publicKey();
  }

  static Consensus.Relay relay(int n, String ip, int port, long weight, RelayFlag... flags) {
    byte[] key = identityKey(n);
    Set<RelayFlag> set = flags.length == 0 ? Set.of() : EnumSet.of(flags[0], flags);
    return new Consensus.Relay(NodeId.ofIdentityKey(key), key, ipv4(ip), port, set, weight);
  }

  static Inet4Address ipv4(String ip) {
    try {
      return (Inet4Address) InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}

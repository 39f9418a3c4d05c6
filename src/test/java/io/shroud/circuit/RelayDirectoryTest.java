package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.OnionKeyPair;
import io.shroud.crypto.X25519;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which descriptors give usable relays. */
class RelayDirectoryTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  private final SecureRandom random = new SecureRandom();

  private NodeDescriptor descriptor(int version, String dataAddress) {
    Ed25519.KeyPair identity = Ed25519.generate(random);
    return new NodeDescriptor(version, NodeId.ofIdentityKey(identity.publicKey()), identity.publicKey(),
        X25519.generate(random).publicKey(), OnionKeyPair.generate(random, NOW.plusSeconds(86400)).publicKey().encode(),
        "127.1.0.1:25520", dataAddress, "127.1.0.1:8558", NOW.minusSeconds(60), NOW.plusSeconds(3600));
  }

  @Test
  void onlyRelaysOfThisProtocolVersionWithAnIpv4DataAddressAreUsable() {
    NodeDescriptor current = descriptor(NodeDescriptor.PROTOCOL_VERSION, "127.1.0.1:7400");
    NodeDescriptor older = descriptor(NodeDescriptor.PROTOCOL_VERSION - 1, "127.2.0.1:7400");
    NodeDescriptor named = descriptor(NodeDescriptor.PROTOCOL_VERSION, "relay.example:7400");
    RelayDirectory directory = RelayDirectory.of(List.of(current, older, named));
    assertEquals(List.of(current.nodeId()), directory.relays().stream().map(RelayInfo::id).toList());
    assertEquals(7400, directory.entry(current.nodeId()).orElseThrow().port());
  }
}

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
        "127.1.0.1:25520", dataAddress, NOW.minusSeconds(60), NOW.plusSeconds(3600));
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

  @Test
  void anExtendGoesOnlyToAListedOtherRelayAtItsListedAddress() throws Exception {
    NodeDescriptor target = descriptor(NodeDescriptor.PROTOCOL_VERSION, "127.3.0.1:7400");
    NodeDescriptor self = descriptor(NodeDescriptor.PROTOCOL_VERSION, "127.4.0.1:7400");
    NodeDescriptor previous = descriptor(NodeDescriptor.PROTOCOL_VERSION, "127.5.0.1:7400");
    RelayDirectory directory = RelayDirectory.of(List.of(target, self, previous));
    java.net.Inet4Address at = (java.net.Inet4Address) java.net.InetAddress.getByName("127.3.0.1");
    byte[] create = new byte[io.shroud.crypto.CircuitHandshake.CREATE_BYTES];
    assertEquals(java.util.Optional.empty(), directory.extendRefusal(
        new ExtendRequest(target.nodeId(), at, 7400, create), self.nodeId(), previous.nodeId()));
    assertEquals("EXTEND address differs from the directory's", directory.extendRefusal(
        new ExtendRequest(target.nodeId(), at, 7401, create), self.nodeId(), previous.nodeId()).orElseThrow());
    assertEquals("EXTEND to itself or back to the previous hop", directory.extendRefusal(
        new ExtendRequest(previous.nodeId(), at, 7400, create), self.nodeId(), previous.nodeId()).orElseThrow());
    assertEquals("EXTEND target is not in the verified directory", directory.extendRefusal(
        new ExtendRequest(NodeId.fromHex("00".repeat(32)), at, 7400, create), self.nodeId(), previous.nodeId())
        .orElseThrow());
  }
}

package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shroud.identity.NodeId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@link CircuitsActor.GetRelays}: the relays of the node's current directory, as path selection sees them. */
class CircuitsRelaysTest {
  static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void answersEveryRelayOfItsDirectoryWithAddressAndNoFlagsBeforeAConsensus() {
    SeederTestNet net = new SeederTestNet(testKit, 4, 90);
    List<RelayInfo> relays = net.relays(2);
    Set<NodeId> ids = new HashSet<>();
    Set<Integer> nets = new HashSet<>();
    for (RelayInfo r : relays) {
      ids.add(r.id());
      nets.add(r.slash16());
      assertEquals(Set.of(), r.flags(), "descriptors carry no flags");
    }
    assertEquals(Set.of(net.id(0), net.id(1), net.id(2), net.id(3)), ids, "its own relay included");
    assertEquals(4, nets.size(), "each node in a /16 of its own (127.k.0.1)");
  }
}

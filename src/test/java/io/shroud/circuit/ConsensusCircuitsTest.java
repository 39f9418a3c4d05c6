package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.admission.Consensus;
import io.shroud.admission.RelayFlag;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A circuits actor given a consensus ({@link CircuitsActor.UseConsensus}) draws paths from its
 * relays only, hop 1 flagged Guard, even though its persisted guard (node 1) has no flag; a relay
 * the consensus does not list is never on a path and cannot be a destination, yet an authority's
 * measurement circuit still reaches it (from the descriptors).
 */
class ConsensusCircuitsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  static Consensus.Relay listed(NodeDescriptor d, RelayFlag... flags) throws Exception {
    String[] hostPort = d.dataAddress().split(":");
    return new Consensus.Relay(d.nodeId(), d.identityKey(), (Inet4Address) InetAddress.getByName(hostPort[0]),
        Integer.parseInt(hostPort[1]), flags.length == 0 ? Set.of() : Set.of(flags), 1000);
  }

  @Test
  void pathsComeFromTheConsensusWithAGuardFirstAndAnUnlistedRelayOnlyForMeasurement() throws Exception {
    CircuitNet net = new CircuitNet(testKit, 6, CircuitSettings.defaults(), 29);
    List<Consensus.Relay> relays = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      NodeDescriptor d = net.node(i).descriptor();
      relays.add(i == 3 ? listed(d, RelayFlag.GUARD, RelayFlag.FAST, RelayFlag.STABLE) : listed(d, RelayFlag.FAST));
    }
    Instant now = Instant.now();
    Consensus consensus = Consensus.unsigned(new byte[32], now, now.plusSeconds(60), now.plusSeconds(300), relays);
    CircuitNet.Node origin = net.node(0);
    origin.circuits().tell(new CircuitsActor.UseConsensus(consensus));
    Set<String> allowed = Set.of(net.node(1).id().toHex(), net.node(2).id().toHex(), net.node(3).id().toHex(),
        net.node(4).id().toHex());
    for (int i = 0; i < 6; i++) {
      TestProbe<CircuitsActor.BuildResult> probe = testKit.createTestProbe();
      origin.circuits().tell(new CircuitsActor.BuildCircuit(Optional.empty(), 2, probe.ref()));
      CircuitsActor.Built built = assertInstanceOf(CircuitsActor.Built.class, probe.receiveMessage(WAIT));
      assertTrue(allowed.containsAll(built.path()), built.path().toString());
      assertEquals(net.node(3).id().toHex(), built.path().get(0), "the only Guard is hop 1");
    }
    NodeId unlisted = net.node(5).id();
    TestProbe<CircuitsActor.BuildResult> refused = testKit.createTestProbe();
    origin.circuits().tell(new CircuitsActor.BuildCircuit(Optional.of(unlisted), 2, refused.ref()));
    assertInstanceOf(CircuitsActor.Failed.class, refused.receiveMessage(WAIT));
    TestProbe<CircuitsActor.BuildResult> measured = testKit.createTestProbe();
    origin.circuits().tell(new CircuitsActor.BuildMeasurementCircuit(unlisted, measured.ref()));
    CircuitsActor.Built probe = assertInstanceOf(CircuitsActor.Built.class, measured.receiveMessage(WAIT));
    assertEquals(List.of(unlisted.toHex()), probe.path());
  }
}

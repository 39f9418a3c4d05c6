package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.admission.RelayFixtures;
import io.shroud.crypto.CircuitHandshake;
import io.shroud.crypto.CircuitHandshakeClient;
import io.shroud.crypto.OnionKeyPair;
import io.shroud.identity.NodeId;
import io.shroud.link.LinkSettings;
import io.shroud.link.Links;
import io.shroud.link.LinksActor;
import io.shroud.link.OpenLinks;
import io.shroud.testutil.ClientSocket;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Circuits from a client link (docs/protocol.md §4.10.3) over loopback TCP, with a real
 * {@link LinksActor} and a real {@link CircuitsActor} holding onion keys: a CREATE with the top
 * bit set is answered CREATED, one with it clear DESTROY REFUSED, the 65th open circuit of the
 * link is refused; closing the link tears its circuits down; an EXTEND naming the link's label
 * is refused (a label is never in the verified directory).
 */
class ClientCircuitsLoopbackTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final RelayFixtures.Net NET = RelayFixtures.network("circuitnet", 81);
  private final SecureRandom random = new SecureRandom();

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @Test
  void aClientLinksCircuitsFollowItsRules() throws Exception {
    RelayFixtures.Relay self = RelayFixtures.relay(NET, 1);
    ActorRef<Links.Command> links = KIT.spawn(LinksActor.create(self.nodeId(), self.linkKey(),
        new InetSocketAddress("127.0.34.1", 0), LinkSettings.defaults(), subscriber -> { }, Clock.systemUTC(),
        random, OpenLinks.create()));
    links.tell(new Links.AcceptClients(self.proof().encode()));
    // routed before the client connects: a route added later reaches an open link's reader
    // asynchronously, and a cell read before it would be dropped unrouted
    TestProbe<Links.Inbound> requests = KIT.createTestProbe();
    links.tell(new Links.Route(CellCommand.DIR_REQUEST, requests.ref()));
    OnionKeyPair onion = OnionKeyPair.generate(random, Instant.now().plus(Duration.ofDays(7)));
    ActorRef<CircuitsActor.Command> circuits = KIT.spawn(CircuitsActor.create(new CircuitsActor.Setup(self.nodeId(),
        CircuitSettings.defaults().withCreateLimits(1000, 1000, 1000), links, Optional.empty(), Optional.empty(),
        List.of(), Optional.empty(), Clock.systemUTC(), random)));
    circuits.tell(new CircuitsActor.UseOnionKeys(onion, Optional.empty()));
    assertEquals(0, relayed(circuits).size()); // its routes are registered with the links by now
    TestProbe<InetSocketAddress> bound = KIT.createTestProbe();
    links.tell(new LinksActor.GetLocalAddress(bound.ref()));
    InetSocketAddress address = bound.receiveMessage(WAIT);

    try (ClientSocket client = new ClientSocket(address, NET.definition())) {
      int first = 0x8000_0001;
      client.send(new Cell(first, CellCommand.CREATE, create(self, onion)));
      Cell created = client.next();
      assertEquals(CellCommand.CREATED, created.command());
      assertEquals(first, created.circuitId());

      client.send(new Cell(0x0000_0002, CellCommand.CREATE, create(self, onion)));
      Cell refused = client.next();
      assertEquals(CellCommand.DESTROY, refused.command(), "a client's id must have the top bit set");
      assertEquals(DestroyReason.REFUSED.code(), refused.payload(0, 1)[0]);

      List<Cell> more = new ArrayList<>();
      for (int i = 2; i <= 65; i++) {
        more.add(new Cell(0x8000_0000 | i, CellCommand.CREATE, create(self, onion)));
      }
      client.send(more.toArray(Cell[]::new));
      for (int i = 2; i <= 64; i++) {
        Cell answer = client.next();
        assertEquals(CellCommand.CREATED, answer.command(), "circuit " + i);
      }
      Cell cap = client.next();
      assertEquals(CellCommand.DESTROY, cap.command(), "the 65th circuit of a client link");
      assertEquals(0x8000_0041, cap.circuitId());
      assertEquals(64, relayed(circuits).size());

      assertTrue(relayed(circuits).stream().allMatch(h -> h.previousNode().equals("client")),
          "a client hop's view shows no label");
      // the label, as the node's own handlers know it: from a DIR_REQUEST on the same link
      client.send(new Cell(0, CellCommand.DIR_REQUEST, io.shroud.wire.DirectoryCells.encodeRequest(1)));
      NodeId label = requests.receiveMessage(WAIT).from();
      assertNotEquals(self.nodeId(), label);
      TestProbe<RelayActor.Command> owner = KIT.createTestProbe();
      circuits.tell(new CircuitsActor.OpenNextHop(new ExtendRequest(label,
          (Inet4Address) InetAddress.getByName("127.0.0.1"), 7400, new byte[CircuitHandshake.CREATE_BYTES]),
          self.nodeId(), owner.ref()));
      assertInstanceOf(RelayActor.ExtendRefused.class, owner.receiveMessage(WAIT), "never EXTEND to a client");
    }
    TestProbe<CircuitsView> view = KIT.createTestProbe();
    view.awaitAssert(WAIT, () -> {
      assertEquals(0, relayed(circuits).size(), "the client link closed: its circuits are gone");
      return null;
    });
    KIT.stop(circuits, WAIT);
    KIT.stop(links, WAIT);
  }

  private byte[] create(RelayFixtures.Relay relay, OnionKeyPair onion) {
    return HandshakeFraming.createCellPayload(CircuitHandshakeClient.start(relay.nodeId().toBytes(),
        onion.publicKey(), random).createMessage());
  }

  private static List<RelayHopView> relayed(ActorRef<CircuitsActor.Command> circuits) {
    TestProbe<CircuitsView> probe = KIT.createTestProbe();
    circuits.tell(new CircuitsActor.GetCircuits(probe.ref()));
    return probe.receiveMessage(WAIT).relays();
  }
}

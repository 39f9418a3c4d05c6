package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shroud.crypto.HopKeys;
import io.shroud.identity.NodeId;
import io.shroud.link.Links;
import io.shroud.link.OpenLinks;
import io.shroud.testutil.SeededRandom;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * One {@link RelayActor} as the rendezvous point's end of a seeder's circuit, its
 * {@link RendezvousActor} and partner played by probes, so the order of events is the test's:
 * cells the seeder sends between RENDEZVOUS1 and the join are held and then go to the partner
 * with this hop's layer removed; the partner's cells leave with this hop's backward layer added.
 */
class RelayActorJoinTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(10);
  static final int CIRCUIT = 5;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void cellsBeforeTheJoinAreHeldThenForwardedAndThePartnersGoBackLayered() throws Exception {
    SecureRandom random = SeededRandom.of(9);
    byte[] material = new byte[HopKeys.BYTES];
    random.nextBytes(material);
    HopCrypto origin = new HopCrypto(HopKeys.fromBytes(material));
    NodeId previous = Relays.id("previous");
    TestProbe<Links.Command> links = testKit.createTestProbe();
    TestProbe<RendezvousActor.Command> points = testKit.createTestProbe();
    TestProbe<RelayActor.Command> partner = testKit.createTestProbe();
    ActorRef<RelayActor.Command> hop = testKit.spawn(RelayActor.create(previous, CIRCUIT, false,
        HopKeys.fromBytes(material), new byte[32], points.ref(), CircuitSettings.defaults(), links.ref(),
        OpenLinks.none(), testKit.<CircuitsActor.Command>createTestProbe().ref(),
        testKit.<Streams.ServiceRequest>createTestProbe().ref(), Clock.systemUTC(),
        new QueuedCells(1000, () -> { }).gauge(0)));

    byte[] rendezvous1 = new byte[HiddenRole.RENDEZVOUS1_BYTES];
    random.nextBytes(rendezvous1);
    byte[] plain = RelayCellFormat.encode(new RelayCell(RelayCommand.RENDEZVOUS1, 0, rendezvous1));
    origin.forward.seal(plain);
    send(hop, previous, layered(origin.forward, plain));
    RendezvousActor.Request request = points.expectMessageClass(RendezvousActor.Request.class, WAIT);
    HiddenRole.Rendezvous rendezvous = assertInstanceOf(HiddenRole.Rendezvous.class, request.request());
    assertArrayEquals(java.util.Arrays.copyOf(rendezvous1, 20), rendezvous.cookie());
    assertEquals(hop, request.circuit());

    byte[][] early = new byte[3][];
    for (int i = 0; i < early.length; i++) {
      early[i] = new byte[RelayCellFormat.BODY_BYTES];
      random.nextBytes(early[i]); // an end-to-end cell: noise to this hop, recognized = nonzero w.p. 1 − 2⁻¹⁶
      send(hop, previous, layered(origin.forward, early[i]));
    }
    partner.expectNoMessage(Duration.ofMillis(200));
    links.expectNoMessage(Duration.ofMillis(1)); // nothing went back: held, not refused

    hop.tell(new RelayActor.Join(partner.ref(), Optional.empty()));
    RelayActor.FromPartner held = partner.expectMessageClass(RelayActor.FromPartner.class, WAIT);
    assertEquals(3, held.bodies().size());
    for (int i = 0; i < early.length; i++) {
      assertArrayEquals(early[i], held.bodies().get(i), "held cell " + i + ", in order, this layer removed");
    }
    byte[] later = new byte[RelayCellFormat.BODY_BYTES];
    random.nextBytes(later);
    send(hop, previous, layered(origin.forward, later));
    assertArrayEquals(later, partner.expectMessageClass(RelayActor.FromPartner.class, WAIT).bodies().get(0));

    byte[] fromPartner = new byte[RelayCellFormat.BODY_BYTES];
    random.nextBytes(fromPartner);
    hop.tell(new RelayActor.FromPartner(List.of(fromPartner)));
    Links.SendAll out = assertInstanceOf(Links.SendAll.class, links.receiveMessage(WAIT));
    assertEquals(previous, out.to());
    assertEquals(CIRCUIT, out.cells().get(0).circuitId());
    assertArrayEquals(fromPartner, layered(origin.backward, out.cells().get(0).payload()),
        "the partner's cell leaves with this hop's backward layer");
  }

  private static void send(ActorRef<RelayActor.Command> hop, NodeId from, byte[] body) {
    hop.tell(new RelayActor.CellsIn(from, List.of(Cell.adopt(CIRCUIT, CellCommand.RELAY, body))));
  }

  private static byte[] layered(HopCrypto.Direction direction, byte[] body) {
    byte[] out = new byte[RelayCellFormat.BODY_BYTES];
    direction.crypt(body, out);
    return out;
  }
}

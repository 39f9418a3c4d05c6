package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.HopKeys;
import io.shroud.hidden.E2eHandshake;
import io.shroud.node.EchoResult;
import io.shroud.node.EchoServiceActor;
import io.shroud.wire.CellCommand;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A downloader's and a seeder's circuits joined at a rendezvous point (a test double,
 * {@link TestRendezvousPoint}), each with its end-to-end layer (protocol §11.7, §11.8): control
 * cells with the last hop, a stream from the downloader to a service at the seeder, SENDME
 * windows end to end, and what destroys the joined circuits.
 */
class HiddenCircuitsTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(15);
  static final int WINDOW = 16;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** Seven nodes: 0 downloads (guard 1), 3 is the rendezvous point, 6 seeds. */
  record Joined(CircuitNet net, ActorRef<CircuitActor.Command> downloader, ActorRef<CircuitActor.Command> seeder,
      TestProbe<CircuitControl.ControlEvent> downloaderControl, TestProbe<CircuitControl.ControlEvent> seederControl) {}

  static CircuitNet net(long seed) {
    CircuitNet net = new CircuitNet(testKit, 7, CircuitSettings.defaults().withWindow(WINDOW, 4), seed);
    CircuitNet.Node rp = net.node(3);
    testKit.createTestProbe().awaitAssert(WAIT, () -> {
      assertTrue(net.links.hasRoute(rp.id(), CellCommand.DESTROY));
      return null;
    });
    TestRendezvousPoint.takeOver(net, rp, testKit);
    return net;
  }

  static ActorRef<CircuitActor.Command> circuitTo(CircuitNet net, int origin, int hops,
      TestProbe<CircuitControl.ControlEvent> control) {
    CircuitsActor.Built built = CircuitActorsTest.buildIn(testKit, net.node(origin), Optional.of(net.node(3)), hops);
    assertEquals(net.node(3).id().toHex(), built.path().get(hops - 1));
    built.circuit().tell(new CircuitActor.WatchControl(control.ref()));
    return built.circuit();
  }

  /** Both circuits built, introduced at the RP with {@code cookie}, joined, both ends keyed with one fixed pair. */
  static Joined join(long seed, int hops) {
    CircuitNet net = net(seed);
    TestProbe<CircuitControl.ControlEvent> downloaderControl = testKit.createTestProbe();
    TestProbe<CircuitControl.ControlEvent> seederControl = testKit.createTestProbe();
    ActorRef<CircuitActor.Command> downloader = circuitTo(net, 0, hops, downloaderControl);
    ActorRef<CircuitActor.Command> seeder = circuitTo(net, 6, hops, seederControl);
    byte[] cookie = TestRendezvousPoint.cookie((byte) 1);
    downloader.tell(new CircuitActor.SendControl(RelayCommand.ESTABLISH_RENDEZVOUS, cookie));
    CircuitControl.ControlCell established = downloaderControl.expectMessageClass(CircuitControl.ControlCell.class, WAIT);
    assertEquals(RelayCommand.RENDEZVOUS_ESTABLISHED, established.command());

    byte[] keys = new byte[HopKeys.BYTES];
    new Random(seed).nextBytes(keys);
    byte[] rendezvous2 = new byte[E2eHandshake.RENDEZVOUS2_BYTES];
    new Random(seed + 1).nextBytes(rendezvous2);
    byte[] rendezvous1 = new byte[E2eHandshake.RENDEZVOUS1_BYTES];
    System.arraycopy(cookie, 0, rendezvous1, 0, cookie.length);
    System.arraycopy(rendezvous2, 0, rendezvous1, cookie.length, rendezvous2.length);
    seeder.tell(new CircuitActor.ServeEndToEnd(HopKeys.fromBytes(keys), testKit.spawn(EchoServiceActor.create())));
    seeder.tell(new CircuitActor.SendControl(RelayCommand.RENDEZVOUS1, rendezvous1));

    CircuitControl.ControlCell answer = downloaderControl.expectMessageClass(CircuitControl.ControlCell.class, WAIT);
    assertEquals(RelayCommand.RENDEZVOUS2, answer.command());
    assertArrayEquals(rendezvous2, answer.data());
    downloader.tell(new CircuitActor.AddEndToEndHop(HopKeys.fromBytes(keys)));
    return new Joined(net, downloader, seeder, downloaderControl, seederControl);
  }

  static CircuitsView nodeView(CircuitNet.Node node) {
    TestProbe<CircuitsView> probe = testKit.createTestProbe();
    node.circuits().tell(new CircuitsActor.GetCircuits(probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  static CircuitView view(ActorRef<CircuitActor.Command> circuit) {
    TestProbe<CircuitView> probe = testKit.createTestProbe();
    circuit.tell(new CircuitActor.GetView(probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  @Test
  void aStreamRunsEndToEndThroughThreePlusThreeHopsWithinTheWindow() {
    Joined joined = join(21, 3);
    CircuitsActor.Built built = new CircuitsActor.Built("", java.util.List.of(), 0, joined.downloader());
    EchoResult result = CircuitActorsTest.echoIn(testKit, built, 512 * 1024, 21);
    assertTrue(result.ok(), result::toString);
    assertEquals(512 * 1024, result.bytes());

    CircuitView downloader = view(joined.downloader());
    CircuitView seeder = view(joined.seeder());
    assertTrue(downloader.cellsOut() > 8 * WINDOW, "enough DATA cells to need many SENDMEs: " + downloader.cellsOut());
    assertTrue(downloader.peakInFlight() <= WINDOW, "downloader in flight " + downloader.peakInFlight());
    assertTrue(seeder.peakInFlight() <= WINDOW, "seeder in flight " + seeder.peakInFlight());
    assertTrue(downloader.peakInFlight() >= 4 && seeder.peakInFlight() >= 4, "the windows were used");
    assertTrue(seeder.bytesIn() >= 512 * 1024 && seeder.bytesOut() >= 512 * 1024, seeder::toString);

    TestProbe<Streams.StreamEvent> user = testKit.createTestProbe();
    joined.seeder().tell(new CircuitActor.OpenStream("echo", user.ref()));
    assertEquals("circuit serves its far end", user.expectMessageClass(Streams.StreamEnded.class, WAIT).reason());
    assertTrue(CircuitActorsTest.echoIn(testKit, built, 10_000, 22).ok(), "a second stream on the joined circuit");
  }

  @Test
  void oneHopASideIsEnough() {
    Joined joined = join(22, 1);
    CircuitsActor.Built built = new CircuitsActor.Built("", java.util.List.of(), 0, joined.downloader());
    EchoResult result = CircuitActorsTest.echoIn(testKit, built, 100_000, 23);
    assertTrue(result.ok(), result::toString);
  }

  @Test
  void aTamperedCellToTheSeederDestroysBothJoinedCircuits() {
    Joined joined = join(23, 3);
    CircuitsActor.Built built = new CircuitsActor.Built("", java.util.List.of(), 0, joined.downloader());
    assertTrue(CircuitActorsTest.echoIn(testKit, built, 20_000, 24).ok());
    joined.net().node(0).tamperNextRelay(0);
    EchoResult result = CircuitActorsTest.echoIn(testKit, built, 20_000, 25);
    assertFalse(result.ok());
    assertInstanceOf(CircuitControl.ControlClosed.class, joined.seederControl().receiveMessage(WAIT),
        "the seeder found the cell recognized by no hop nor the far end");
    assertInstanceOf(CircuitControl.ControlClosed.class, joined.downloaderControl().receiveMessage(WAIT));
    assertAllTornDown(joined);
  }

  @Test
  void aTamperedCellToTheDownloaderDestroysBothJoinedCircuits() {
    Joined joined = join(24, 2);
    CircuitsActor.Built built = new CircuitsActor.Built("", java.util.List.of(), 0, joined.downloader());
    joined.net().node(6).tamperNextRelay(1); // CONNECTED passes, the first echoed DATA is flipped
    assertFalse(CircuitActorsTest.echoIn(testKit, built, 20_000, 26).ok());
    assertInstanceOf(CircuitControl.ControlClosed.class, joined.downloaderControl().receiveMessage(WAIT));
    assertInstanceOf(CircuitControl.ControlClosed.class, joined.seederControl().receiveMessage(WAIT));
    assertAllTornDown(joined);
  }

  private static void assertAllTornDown(Joined joined) {
    testKit.createTestProbe().awaitAssert(WAIT, () -> {
      for (CircuitNet.Node node : joined.net().nodes) {
        assertTrue(nodeView(node).circuits().isEmpty(), "circuit left at " + node.id().shortHex());
        assertTrue(nodeView(node).relays().isEmpty(), "hop left at " + node.id().shortHex());
      }
      return null;
    });
  }

  @Test
  void aControlCellTheOriginDidNotAskForDestroysItsCircuit() {
    CircuitNet net = net(25);
    TestProbe<CircuitControl.ControlEvent> control = testKit.createTestProbe();
    ActorRef<CircuitActor.Command> circuit = circuitTo(net, 0, 2, control);
    circuit.tell(new CircuitActor.SendControl(RelayCommand.ESTABLISH_RENDEZVOUS, TestRendezvousPoint.cookie((byte) 0xFF)));
    CircuitControl.ControlClosed closed = control.expectMessageClass(CircuitControl.ControlClosed.class, WAIT);
    assertTrue(closed.reason().contains("INTRO_ESTABLISHED"), closed.reason());
    testKit.createTestProbe().awaitAssert(WAIT, () -> {
      assertTrue(nodeView(net.node(1)).relays().isEmpty(), "DESTROY went forward");
      return null;
    });
  }

  @Test
  void controlCellsAnOriginMayNotSendAreRefusedAndTheCircuitLives() {
    CircuitNet net = net(26);
    TestProbe<CircuitControl.ControlEvent> control = testKit.createTestProbe();
    ActorRef<CircuitActor.Command> circuit = circuitTo(net, 0, 1, control);
    circuit.tell(new CircuitActor.SendControl(RelayCommand.RENDEZVOUS2, new byte[E2eHandshake.RENDEZVOUS2_BYTES]));
    CircuitControl.ControlRefused refused = control.expectMessageClass(CircuitControl.ControlRefused.class, WAIT);
    assertEquals(RelayCommand.RENDEZVOUS2, refused.command());
    circuit.tell(new CircuitActor.SendControl(RelayCommand.ESTABLISH_RENDEZVOUS, TestRendezvousPoint.cookie((byte) 2)));
    assertEquals(RelayCommand.RENDEZVOUS_ESTABLISHED,
        control.expectMessageClass(CircuitControl.ControlCell.class, WAIT).command());
    assertEquals("READY", view(circuit).state());
  }
}

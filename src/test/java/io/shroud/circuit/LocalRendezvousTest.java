package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.HopKeys;
import io.shroud.hidden.E2eHandshake;
import io.shroud.hidden.HiddenCells;
import io.shroud.node.EchoResult;
import io.shroud.node.EchoServiceActor;
import io.shroud.testutil.SeededRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A rendezvous joined at the seeder's own relay (protocol §11.7.1, {@link LocalRendezvousActor}),
 * with real {@link CircuitsActor}s on in-memory links: node 0 downloads and draws node 5 as its
 * rendezvous point; node 5 seeds, and answers with a local rendezvous instead of a circuit. The
 * downloader's side is what it is at any rendezvous point.
 */
class LocalRendezvousTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(15);
  static final int DOWNLOADER = 0;
  static final int SEEDER = 5;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** The downloader's circuit to the seeder's relay with its cookie set, and the seeder's local rendezvous. */
  record Rendezvous(CircuitNet net, ActorRef<CircuitActor.Command> downloader,
      TestProbe<CircuitControl.ControlEvent> downloaderControl, ActorRef<CircuitActor.Command> local,
      TestProbe<CircuitControl.ControlEvent> localControl, byte[] cookie) {}

  static Rendezvous established(long seed, int downloaderHops) {
    CircuitNet net = new CircuitNet(testKit, 6, CircuitSettings.defaults(), seed);
    CircuitsActor.Built built = CircuitActorsTest.buildIn(testKit, net.node(DOWNLOADER),
        Optional.of(net.node(SEEDER)), downloaderHops);
    TestProbe<CircuitControl.ControlEvent> downloaderControl = testKit.createTestProbe();
    built.circuit().tell(new CircuitActor.WatchControl(downloaderControl.ref()));
    byte[] cookie = new byte[HiddenCells.COOKIE_BYTES];
    SeededRandom.of(seed).nextBytes(cookie);
    built.circuit().tell(new CircuitActor.SendControl(RelayCommand.ESTABLISH_RENDEZVOUS,
        HiddenCells.encodeEstablishRendezvous(cookie)));
    expectCell(downloaderControl, RelayCommand.RENDEZVOUS_ESTABLISHED);

    TestProbe<CircuitsActor.BuildResult> answer = testKit.createTestProbe();
    net.node(SEEDER).circuits().tell(new CircuitsActor.LocalRendezvous(answer.ref()));
    CircuitsActor.Built local = assertInstanceOf(CircuitsActor.Built.class, answer.receiveMessage(WAIT));
    assertEquals(List.of(net.node(SEEDER).id().toHex()), local.path());
    TestProbe<CircuitControl.ControlEvent> localControl = testKit.createTestProbe();
    local.circuit().tell(new CircuitActor.WatchControl(localControl.ref()));
    return new Rendezvous(net, built.circuit(), downloaderControl, local.circuit(), localControl, cookie);
  }

  static byte[] expectCell(TestProbe<CircuitControl.ControlEvent> control, RelayCommand command) {
    CircuitControl.ControlEvent event = control.receiveMessage(WAIT);
    CircuitControl.ControlCell cell = assertInstanceOf(CircuitControl.ControlCell.class, event, event::toString);
    assertEquals(command, cell.command());
    return cell.data();
  }

  static byte[] rendezvous1(byte[] cookie, byte[] rendezvous2) {
    byte[] out = new byte[E2eHandshake.RENDEZVOUS1_BYTES];
    System.arraycopy(cookie, 0, out, 0, cookie.length);
    System.arraycopy(rendezvous2, 0, out, cookie.length, rendezvous2.length);
    return out;
  }

  /** Serves the end-to-end layer of {@code keys}, sends RENDEZVOUS1 and finishes the downloader's side. */
  static void join(Rendezvous r, long seed) {
    byte[] keys = new byte[HopKeys.BYTES];
    new Random(seed).nextBytes(keys);
    byte[] rendezvous2 = new byte[E2eHandshake.RENDEZVOUS2_BYTES];
    new Random(seed + 1).nextBytes(rendezvous2);
    r.local().tell(new CircuitActor.ServeEndToEnd(HopKeys.fromBytes(keys), testKit.spawn(EchoServiceActor.create())));
    r.local().tell(new CircuitActor.SendControl(RelayCommand.RENDEZVOUS1, rendezvous1(r.cookie(), rendezvous2)));
    assertArrayEquals(rendezvous2, expectCell(r.downloaderControl(), RelayCommand.RENDEZVOUS2));
    r.downloader().tell(new CircuitActor.AddEndToEndHop(HopKeys.fromBytes(keys)));
  }

  static EchoResult echo(Rendezvous r, int bytes, long seed) {
    return CircuitActorsTest.echoIn(testKit, new CircuitsActor.Built("", List.of(), 0, r.downloader()), bytes, seed);
  }

  static CircuitView view(ActorRef<CircuitActor.Command> circuit) {
    TestProbe<CircuitView> probe = testKit.createTestProbe();
    circuit.tell(new CircuitActor.GetView(probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  @ParameterizedTest(name = "downloader hops {0}")
  @ValueSource(ints = {1, 3})
  void aDownloaderEchoesThroughARendezvousJoinedInTheSeedersProcess(int hops) {
    Rendezvous r = established(40 + hops, hops);
    join(r, 40 + hops);
    EchoResult result = echo(r, 300_000, 1);
    assertTrue(result.ok(), result::toString);
    assertEquals(300_000, result.bytes());
    assertTrue(echo(r, 5_000, 2).ok(), "a second stream");

    CircuitView local = view(r.local());
    assertEquals("local", local.id());
    assertTrue(local.bytesIn() >= 300_000 && local.bytesOut() >= 300_000, local::toString);
    // the seeder's node built no circuit: its only origin-side entry is the local rendezvous
    TestProbe<CircuitsView> nodeView = testKit.createTestProbe();
    r.net().node(SEEDER).circuits().tell(new CircuitsActor.GetCircuits(nodeView.ref()));
    assertEquals(List.of("local"), nodeView.receiveMessage(WAIT).circuits().stream().map(CircuitView::id).toList());
    r.localControl().expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void closingTheLocalRendezvousDestroysTheDownloadersCircuit() {
    Rendezvous r = established(50, 2);
    join(r, 50);
    assertTrue(echo(r, 20_000, 3).ok());
    r.local().tell(CircuitActor.Close.INSTANCE);
    assertInstanceOf(CircuitControl.ControlClosed.class, r.localControl().receiveMessage(WAIT));
    assertInstanceOf(CircuitControl.ControlClosed.class, r.downloaderControl().receiveMessage(WAIT),
        "the downloader's circuit is destroyed at the point");
  }

  @Test
  void theDownloaderClosingEndsTheLocalRendezvous() {
    Rendezvous r = established(51, 1);
    join(r, 51);
    r.downloader().tell(CircuitActor.Close.INSTANCE);
    CircuitControl.ControlEvent closed = r.localControl().receiveMessage(WAIT);
    assertInstanceOf(CircuitControl.ControlClosed.class, closed, closed::toString);
  }

  @Test
  void aWrongCookieClosesTheLocalRendezvousAndLeavesTheDownloaderWaiting() {
    Rendezvous r = established(52, 1);
    byte[] wrong = r.cookie().clone();
    wrong[0] ^= 1;
    byte[] keys = new byte[HopKeys.BYTES];
    r.local().tell(new CircuitActor.ServeEndToEnd(HopKeys.fromBytes(keys), testKit.spawn(EchoServiceActor.create())));
    r.local().tell(new CircuitActor.SendControl(RelayCommand.RENDEZVOUS1,
        rendezvous1(wrong, new byte[E2eHandshake.RENDEZVOUS2_BYTES])));
    CircuitControl.ControlEvent closed = r.localControl().receiveMessage(WAIT);
    assertInstanceOf(CircuitControl.ControlClosed.class, closed, closed::toString);
    r.downloaderControl().expectNoMessage(Duration.ofMillis(200));
    assertEquals("READY", view(r.downloader()).state(), "the cookie's circuit still waits");
  }

  @Test
  void controlCellsOtherThanRendezvous1AreRefusedAndTheTamperedCellClosesBoth() {
    Rendezvous r = established(53, 1);
    r.local().tell(new CircuitActor.SendControl(RelayCommand.DROP, new byte[0]));
    CircuitControl.ControlEvent refused = r.localControl().receiveMessage(WAIT);
    assertInstanceOf(CircuitControl.ControlRefused.class, refused, refused::toString);
    join(r, 53);
    assertTrue(echo(r, 10_000, 4).ok());
    // a body that the end-to-end layer does not open is a violation: the rendezvous closes
    r.local().<Object>unsafeUpcast().tell(new RelayActor.FromPartner(List.of(new byte[RelayCellFormat.BODY_BYTES])));
    assertInstanceOf(CircuitControl.ControlClosed.class, r.localControl().receiveMessage(WAIT));
    assertInstanceOf(CircuitControl.ControlClosed.class, r.downloaderControl().receiveMessage(WAIT));
  }
}

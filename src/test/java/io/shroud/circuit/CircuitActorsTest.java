package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.node.EchoClientActor;
import io.shroud.node.EchoResult;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Circuits end to end on in-memory links: build, echo, views, teardown, tampering, flow control. */
class CircuitActorsTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(15);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  static CircuitsActor.Built build(CircuitNet.Node origin, Optional<CircuitNet.Node> destination, int hops) {
    return buildIn(testKit, origin, destination, hops);
  }

  static CircuitsActor.Built buildIn(ActorTestKit testKit, CircuitNet.Node origin,
      Optional<CircuitNet.Node> destination, int hops) {
    TestProbe<CircuitsActor.BuildResult> probe = testKit.createTestProbe();
    origin.circuits().tell(new CircuitsActor.BuildCircuit(destination.map(CircuitNet.Node::id), hops, probe.ref()));
    CircuitsActor.BuildResult result = probe.receiveMessage(WAIT);
    return assertInstanceOf(CircuitsActor.Built.class, result, result::toString);
  }

  static EchoResult echo(CircuitNet.Node origin, CircuitsActor.Built built, int bytes, long seed) {
    return echoIn(testKit, built, bytes, seed);
  }

  static EchoResult echoIn(ActorTestKit testKit, CircuitsActor.Built built, int bytes, long seed) {
    byte[] payload = new byte[bytes];
    SeededRandom.of(seed).nextBytes(payload);
    TestProbe<EchoResult> probe = testKit.createTestProbe();
    testKit.spawn(EchoClientActor.echo(built.circuit(), payload, probe.ref(), Clock.systemUTC()));
    return probe.receiveMessage(Duration.ofSeconds(30));
  }

  static CircuitsView view(CircuitNet.Node node) {
    TestProbe<CircuitsView> probe = testKit.createTestProbe();
    node.circuits().tell(new CircuitsActor.GetCircuits(probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  @Test
  void threeHopCircuitEchoesOneMebibyteAndEachNodeSeesOnlyItsNeighbours() {
    CircuitNet net = new CircuitNet(testKit, 5, CircuitSettings.defaults(), 1);
    CircuitNet.Node origin = net.node(0);
    CircuitNet.Node destination = net.node(4);
    CircuitsActor.Built built = build(origin, Optional.of(destination), 3);
    assertEquals(3, built.path().size());
    assertEquals(net.node(1).id().toHex(), built.path().get(0), "first hop is the guard");
    assertEquals(destination.id().toHex(), built.path().get(2));
    assertEquals(3, new HashSet<>(built.path()).size());

    EchoResult result = echo(origin, built, 1 << 20, 7);
    assertTrue(result.ok(), result::toString);
    assertEquals(1 << 20, result.bytes());

    CircuitNet.Node guard = net.byId(built.path().get(0));
    CircuitNet.Node middle = net.byId(built.path().get(1));
    CircuitsView originView = view(origin);
    assertEquals(1, originView.circuits().size());
    assertEquals(built.path(), originView.circuits().get(0).path());
    assertEquals("READY", originView.circuits().get(0).state());
    assertTrue(originView.circuits().get(0).bytesOut() >= 1 << 20);
    assertTrue(originView.relays().isEmpty());

    RelayHopView guardHop = only(view(guard));
    assertEquals(origin.id().toHex(), guardHop.previousNode());
    assertEquals(built.circuitId(), guardHop.previousCircuitId());
    assertEquals(middle.id().toHex(), guardHop.nextNode());
    RelayHopView middleHop = only(view(middle));
    assertEquals(guard.id().toHex(), middleHop.previousNode());
    assertEquals(destination.id().toHex(), middleHop.nextNode());
    assertEquals(guardHop.nextCircuitId(), middleHop.previousCircuitId());
    RelayHopView lastHop = only(view(destination));
    assertEquals(middle.id().toHex(), lastHop.previousNode());
    assertEquals(middleHop.nextCircuitId(), lastHop.previousCircuitId());
    assertNull(lastHop.nextNode());
    assertNull(lastHop.nextCircuitId());
  }

  private static RelayHopView only(CircuitsView view) {
    assertTrue(view.circuits().isEmpty(), "a relay knows no path");
    assertEquals(1, view.relays().size());
    return view.relays().get(0);
  }

  @Test
  void crashingTheMiddleDestroysBothEndsAndANewCircuitAvoidsIt() {
    CircuitSettings settings = CircuitSettings.defaults().withBuildTimeout(Duration.ofSeconds(2), 2);
    CircuitNet net = new CircuitNet(testKit, 5, settings, 2);
    CircuitNet.Node origin = net.node(0);
    CircuitNet.Node destination = net.node(4);
    CircuitsActor.Built built = build(origin, Optional.of(destination), 3);
    assertTrue(echo(origin, built, 10_000, 1).ok());
    CircuitNet.Node middle = net.byId(built.path().get(1));
    CircuitNet.Node guard = net.byId(built.path().get(0));

    net.links.crash(middle.id());
    testKit.createTestProbe().awaitAssert(WAIT, () -> {
      assertTrue(view(origin).circuits().stream().noneMatch(c -> c.state().equals("READY")));
      assertTrue(view(destination).relays().isEmpty());
      assertTrue(view(guard).relays().isEmpty());
      return null;
    });

    CircuitsActor.Built again = build(origin, Optional.of(destination), 3);
    assertNotEquals(middle.id().toHex(), again.path().get(1));
    assertTrue(echo(origin, again, 10_000, 2).ok());
  }

  @Test
  void aTamperedForwardCellDestroysTheCircuitAllTheWayBack() {
    CircuitNet net = new CircuitNet(testKit, 5, CircuitSettings.defaults(), 3);
    CircuitNet.Node origin = net.node(0);
    CircuitsActor.Built built = build(origin, Optional.of(net.node(4)), 3);
    origin.tamperNextRelay(0);
    EchoResult result = echo(origin, built, 20_000, 3);
    assertFalse(result.ok());
    assertAllTornDown(net, origin);
  }

  @Test
  void aTamperedBackwardCellIsCaughtByTheOriginWhichDestroysForward() {
    CircuitNet net = new CircuitNet(testKit, 5, CircuitSettings.defaults(), 4);
    CircuitNet.Node origin = net.node(0);
    CircuitNet.Node destination = net.node(4);
    CircuitsActor.Built built = build(origin, Optional.of(destination), 3);
    destination.tamperNextRelay(1); // CONNECTED passes, the first echoed DATA is flipped
    EchoResult result = echo(origin, built, 20_000, 4);
    assertFalse(result.ok());
    assertAllTornDown(net, origin);
  }

  private static void assertAllTornDown(CircuitNet net, CircuitNet.Node origin) {
    testKit.createTestProbe().awaitAssert(WAIT, () -> {
      assertTrue(view(origin).circuits().isEmpty());
      for (CircuitNet.Node node : net.nodes) {
        assertTrue(view(node).relays().isEmpty(), "hop left at " + node.id().shortHex());
      }
      return null;
    });
  }

  @Test
  void theOriginNeverHasMoreThanTheWindowInFlight() {
    CircuitSettings settings = CircuitSettings.defaults().withWindow(16, 4);
    CircuitNet net = new CircuitNet(testKit, 5, settings, 5);
    CircuitNet.Node origin = net.node(0);
    CircuitsActor.Built built = build(origin, Optional.of(net.node(4)), 3);
    EchoResult result = echo(origin, built, 256 * 1024, 5);
    assertTrue(result.ok(), result::toString);
    CircuitView circuit = view(origin).circuits().get(0);
    assertTrue(circuit.cellsOut() > 64, "enough DATA cells to need many SENDMEs");
    assertTrue(circuit.peakInFlight() <= 16, "peak in flight " + circuit.peakInFlight());
    assertTrue(circuit.peakInFlight() >= 4, "the window was used: " + circuit.peakInFlight());
  }

  @Test
  void oneHopGoesStraightToTheDestinationAndRandomPathsKeepTheRules() {
    CircuitNet net = new CircuitNet(testKit, 5, CircuitSettings.defaults(), 6);
    CircuitNet.Node origin = net.node(0);
    CircuitsActor.Built direct = build(origin, Optional.of(net.node(3)), 1);
    assertEquals(List.of(net.node(3).id().toHex()), direct.path());
    assertTrue(echo(origin, direct, 5_000, 6).ok());
    for (int i = 0; i < 4; i++) {
      CircuitsActor.Built built = build(origin, Optional.empty(), 4);
      Set<String> distinct = new HashSet<>(built.path());
      assertEquals(4, distinct.size(), "no node twice");
      assertFalse(distinct.contains(origin.id().toHex()), "never the origin itself");
      Set<String> nets = new HashSet<>();
      built.path().forEach(hex -> nets.add(net.byId(hex).descriptor().dataAddress().split("\\.")[1]));
      assertEquals(4, nets.size(), "no two hops in one /16");
    }
  }

  /**
   * Three nodes on {@code clock} whose circuits check their age and idleness every 20 ms. These
   * tests are about the origin's timers: the relays' own idle timeout is set out of their way
   * (it has RelayIdleTest).
   */
  static CircuitNet lifetimesNet(MutableClock clock, Duration maxAge, Duration idleTimeout, long seed) {
    return new CircuitNet(testKit, 3, CircuitSettings.defaults().withLifetimes(maxAge, idleTimeout, Duration.ofMillis(20))
        .withRelayIdleTimeout(Duration.ofDays(1)), seed, clock);
  }

  @Test
  void pastItsMaxAgeACircuitTakesNoNewStreamsButStaysOpen() {
    MutableClock clock = new MutableClock(Instant.now());
    CircuitNet net = lifetimesNet(clock, Duration.ofMinutes(10), Duration.ofHours(1), 11);
    CircuitNet.Node origin = net.node(0);
    CircuitsActor.Built built = build(origin, Optional.of(net.node(2)), 2);
    assertTrue(echo(origin, built, 5_000, 1).ok(), "a young circuit takes streams");

    clock.advance(Duration.ofMinutes(11));

    EchoResult old = echo(origin, built, 5_000, 2);
    assertFalse(old.ok());
    assertTrue(old.error().contains("too old"), old.error());
    CircuitView circuit = view(origin).circuits().get(0);
    assertEquals("READY", circuit.state(), "max-age stops new streams; it does not close the circuit");
    assertEquals(1, view(net.node(2)).relays().size());
  }

  @Test
  void aCircuitClosesAfterItsIdleTimeoutCountedFromItsLastCell() {
    MutableClock clock = new MutableClock(Instant.now());
    CircuitNet net = lifetimesNet(clock, Duration.ofHours(1), Duration.ofMinutes(5), 12);
    CircuitNet.Node origin = net.node(0);
    CircuitNet.Node destination = net.node(2);
    CircuitsActor.Built built = build(origin, Optional.of(destination), 2);

    clock.advance(Duration.ofMinutes(4));
    assertTrue(echo(origin, built, 5_000, 3).ok());
    clock.advance(Duration.ofMinutes(4)); // 8 minutes old, 4 since its last cell
    // housekeeping runs every 20 ms: give it many chances to close too early
    testKit.createTestProbe().expectNoMessage(Duration.ofMillis(300));
    assertEquals("READY", view(origin).circuits().get(0).state(), "idle time counts from the last cell, not from creation");
    assertTrue(echo(origin, built, 5_000, 4).ok());

    // the echo's last cells (END, SENDME) may still be on their way and count as activity when
    // they arrive: each check moves the clock past another idle timeout
    testKit.createTestProbe().awaitAssert(WAIT, () -> {
      clock.advance(Duration.ofMinutes(6));
      assertTrue(view(origin).circuits().stream().noneMatch(c -> c.state().equals("READY")), () -> view(origin).toString());
      assertTrue(view(destination).relays().isEmpty(), "closing tears the circuit down at every hop");
      assertTrue(view(net.node(1)).relays().isEmpty());
      return null;
    });
  }

  /**
   * An echo on a circuit that closed before its OpenStream arrived reports at once: the echo
   * client watches the circuit (before, it waited out its 60 s timeout, longer than echoIn waits).
   */
  @Test
  void anEchoOnACircuitAlreadyClosedReportsItClosed() {
    CircuitNet net = new CircuitNet(testKit, 3, CircuitSettings.defaults(), 9);
    CircuitsActor.Built built = build(net.node(0), Optional.of(net.node(2)), 2);
    TestProbe<Object> watcher = testKit.createTestProbe();
    built.circuit().tell(CircuitActor.Close.INSTANCE);
    watcher.expectTerminated(built.circuit(), WAIT);
    EchoResult result = echo(net.node(0), built, 1000, 9);
    assertFalse(result.ok());
    assertEquals("circuit closed", result.error(), result::toString);
  }

  @Test
  void aStreamToAServiceNobodyRegisteredAtTheLastHopEndsRefused() {
    CircuitNet net = new CircuitNet(testKit, 3, CircuitSettings.defaults(), 8);
    CircuitsActor.Built built = build(net.node(0), Optional.of(net.node(2)), 2);
    TestProbe<Streams.StreamEvent> user = testKit.createTestProbe();
    built.circuit().tell(new CircuitActor.OpenStream("nothing", user.ref()));
    Streams.StreamEnded ended = user.expectMessageClass(Streams.StreamEnded.class, WAIT);
    assertEquals("service refused or unknown", ended.reason());
    assertTrue(echo(net.node(0), built, 100, 8).ok(), "the circuit stays usable");
  }

  @Test
  void buildsToAnUnknownDestinationFail() {
    CircuitNet net = new CircuitNet(testKit, 3, CircuitSettings.defaults(), 7);
    TestProbe<CircuitsActor.BuildResult> probe = testKit.createTestProbe();
    net.node(0).circuits().tell(new CircuitsActor.BuildCircuit(
        Optional.of(io.shroud.identity.NodeId.fromHex("00".repeat(32))), 3, probe.ref()));
    assertInstanceOf(CircuitsActor.Failed.class, probe.receiveMessage(WAIT));
  }
}

package io.shroud.circuit;

import static io.shroud.testutil.MetricValues.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.CircuitHandshakeClient;
import io.shroud.identity.NodeId;
import io.shroud.link.Links;
import io.shroud.metrics.Metrics;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A relay destroys a hop no neighbour has sent a cell on for {@code relay-idle-timeout}, both
 * ways, with DESTROY IDLE. Time is a {@link MutableClock} the relays read; their housekeeping
 * runs every 20 ms, so each test moves the clock and waits for the next check.
 */
class RelayIdleTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(15);
  static final Duration RELAY_IDLE = Duration.ofMinutes(5);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** Origins never close on their own here (1 day): whatever closes a circuit is a relay. */
  private static CircuitNet net(MutableClock clock, int nodes, long seed) {
    CircuitSettings settings = CircuitSettings.defaults()
        .withLifetimes(Duration.ofDays(1), Duration.ofDays(1), Duration.ofMillis(20))
        .withRelayIdleTimeout(RELAY_IDLE);
    return new CircuitNet(testKit, nodes, settings, seed, clock);
  }

  private static CircuitsView view(CircuitNet.Node node) {
    TestProbe<CircuitsView> probe = testKit.createTestProbe();
    node.circuits().tell(new CircuitsActor.GetCircuits(probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  @Test
  void aHopWithoutCellsForTheTimeoutIsDestroyedAtEveryHopAndTheOriginLearnsIt() {
    MutableClock clock = new MutableClock(Instant.now());
    CircuitNet net = net(clock, 3, 31);
    CircuitNet.Node origin = net.node(0);
    CircuitsActor.Built built = CircuitActorsTest.buildIn(testKit, origin, Optional.of(net.node(2)), 2);
    double idleClosed = value(Metrics.get(testKit.system()), "shroud_relay_circuits_closed_total{reason=\"idle\"}");

    clock.advance(RELAY_IDLE.minusMinutes(1));
    assertTrue(CircuitActorsTest.echoIn(testKit, built, 5_000, 1).ok());
    clock.advance(RELAY_IDLE.minusMinutes(1)); // older than the timeout, but it carried cells since
    testKit.createTestProbe().expectNoMessage(Duration.ofMillis(300)); // about 15 checks
    assertEquals(1, view(net.node(1)).relays().size(), "idle time counts from the last cell");
    assertEquals(1, view(net.node(2)).relays().size());

    // late cells of the echo (END, SENDME) may still arrive and count: every check moves the
    // clock past another timeout
    testKit.createTestProbe().awaitAssert(WAIT, () -> {
      clock.advance(RELAY_IDLE.plusMinutes(1));
      assertTrue(view(net.node(1)).relays().isEmpty(), "the first hop closed it");
      assertTrue(view(net.node(2)).relays().isEmpty(), "the last hop too");
      assertTrue(view(origin).circuits().stream().noneMatch(c -> c.state().equals("READY")),
          "a DESTROY reached the origin");
      return null;
    });
    assertTrue(value(Metrics.get(testKit.system()), "shroud_relay_circuits_closed_total{reason=\"idle\"}")
        >= idleClosed + 1);
  }

  @Test
  void theNeighbourOfAnIdleHopGetsDestroyIdle() {
    MutableClock clock = new MutableClock(Instant.now());
    CircuitNet net = net(clock, 2, 32);
    CircuitNet.Node relay = net.node(1);
    byte[] raw = new byte[32];
    SeededRandom.of(32).nextBytes(raw);
    NodeId self = NodeId.of(raw);
    ActorRef<Links.Command> links = net.links.linksOf(self);
    TestProbe<Links.Inbound> answers = testKit.createTestProbe();
    links.tell(new Links.Route(CellCommand.CREATED, answers.ref()));
    links.tell(new Links.Route(CellCommand.DESTROY, answers.ref()));
    answers.awaitAssert(() -> {
      assertTrue(net.links.hasRoute(relay.id(), CellCommand.CREATE));
      return null;
    });
    int id = new CircuitIdAllocator(self, SeededRandom.of(33)).allocate(relay.id(), i -> false);
    byte[] create = HandshakeFraming.createCellPayload(CircuitHandshakeClient.start(relay.id().toBytes(),
        relay.onionKey().publicKey(), SeededRandom.of(34)).createMessage());
    links.tell(new Links.Send(relay.id(), new Cell(id, CellCommand.CREATE, create)));
    assertEquals(CellCommand.CREATED, answers.receiveMessage(WAIT).cell().command());

    answers.expectNoMessage(Duration.ofMillis(200)); // housekeeping runs, the hop is not idle yet
    clock.advance(RELAY_IDLE);
    Cell destroy = answers.receiveMessage(WAIT).cell();
    assertEquals(CellCommand.DESTROY, destroy.command());
    assertEquals(id, destroy.circuitId());
    assertEquals(DestroyReason.IDLE.code(), destroy.payload(0, 1)[0]);
    answers.awaitAssert(() -> {
      assertTrue(view(relay).relays().isEmpty());
      return null;
    });
  }
}

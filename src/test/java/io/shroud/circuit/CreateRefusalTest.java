package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shroud.crypto.CircuitHandshakeClient;
import io.shroud.identity.NodeId;
import io.shroud.link.Links;
import io.shroud.metrics.Metrics;
import io.shroud.testutil.MetricValues;
import io.shroud.testutil.SeededRandom;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A relay refuses replayed CREATEs, CREATEs beyond the per-link or node-wide limit or rate, and ids from the wrong half. */
class CreateRefusalTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(10);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A fake node on the same in-memory links whose CREATED/DESTROY answers land in a probe. */
  private record Fake(NodeId id, ActorRef<Links.Command> links, TestProbe<Links.Inbound> answers,
      CircuitIdAllocator ids) {}

  private static CircuitNet fakeNet;

  private static Fake fake(CircuitNet net, long seed) {
    fakeNet = net;
    byte[] raw = new byte[32];
    SeededRandom.of(seed).nextBytes(raw);
    NodeId id = NodeId.of(raw);
    ActorRef<Links.Command> links = net.links.linksOf(id);
    TestProbe<Links.Inbound> answers = testKit.createTestProbe();
    links.tell(new Links.Route(CellCommand.CREATED, answers.ref()));
    links.tell(new Links.Route(CellCommand.DESTROY, answers.ref()));
    return new Fake(id, links, answers, new CircuitIdAllocator(id, SeededRandom.of(seed + 1)));
  }

  private static byte[] createFor(CircuitNet.Node relay, SecureRandom random) {
    return HandshakeFraming.createCellPayload(CircuitHandshakeClient.start(relay.id().toBytes(),
        relay.onionKey().publicKey(), random).createMessage());
  }

  private static List<CellCommand> send(Fake fake, CircuitNet.Node relay, List<byte[]> creates, boolean rightHalf) {
    return answers(fake, relay, creates, rightHalf).stream().map(Cell::command).toList();
  }

  /** Sends {@code creates} from {@code fake} to {@code relay}; the answer cells, one per CREATE, in order. */
  private static List<Cell> answers(Fake fake, CircuitNet.Node relay, List<byte[]> creates, boolean rightHalf) {
    // the relay's CircuitsActor registers its handlers asynchronously: a CREATE sent before that is lost
    fake.answers().awaitAssert(() -> {
      org.junit.jupiter.api.Assertions.assertTrue(fakeNet.links.hasRoute(relay.id(), CellCommand.CREATE));
      return null;
    });
    List<Integer> used = new ArrayList<>();
    for (byte[] create : creates) {
      int id = fake.ids().allocate(relay.id(), used::contains);
      if (!rightHalf) {
        id ^= CircuitIdAllocator.HIGH_BIT;
      }
      used.add(id);
      fake.links().tell(new Links.Send(relay.id(), new Cell(id, CellCommand.CREATE, create)));
    }
    List<Cell> answers = new ArrayList<>();
    for (int i = 0; i < creates.size(); i++) {
      Links.Inbound answer = fake.answers().receiveMessage(WAIT);
      assertEquals(used.get(i), answer.cell().circuitId(), "answers come in order, one per CREATE");
      answers.add(answer.cell());
    }
    return answers;
  }

  @Test
  void aReplayedCreateIsRefused() {
    CircuitNet net = new CircuitNet(testKit, 2, CircuitSettings.defaults(), 11);
    Fake fake = fake(net, 11);
    byte[] create = createFor(net.node(1), SeededRandom.of(1));
    assertEquals(List.of(CellCommand.CREATED, CellCommand.DESTROY),
        send(fake, net.node(1), List.of(create, create), true));
  }

  @Test
  void theCircuitLimitPerLinkRefusesTheExcess() {
    CircuitNet net = new CircuitNet(testKit, 2, CircuitSettings.defaults().withCreateLimits(2, 100, 100), 12);
    Fake fake = fake(net, 12);
    SecureRandom random = SeededRandom.of(2);
    List<byte[]> creates = List.of(createFor(net.node(1), random), createFor(net.node(1), random),
        createFor(net.node(1), random));
    assertEquals(List.of(CellCommand.CREATED, CellCommand.CREATED, CellCommand.DESTROY),
        send(fake, net.node(1), creates, true));
  }

  @Test
  void theCreateRateLimitRefusesTheExcess() {
    CircuitNet net = new CircuitNet(testKit, 2, CircuitSettings.defaults().withCreateLimits(100, 2, 0.001), 13);
    Fake fake = fake(net, 13);
    SecureRandom random = SeededRandom.of(3);
    List<byte[]> creates = List.of(createFor(net.node(1), random), createFor(net.node(1), random),
        createFor(net.node(1), random));
    assertEquals(List.of(CellCommand.CREATED, CellCommand.CREATED, CellCommand.DESTROY),
        send(fake, net.node(1), creates, true));
  }

  @Test
  void theNodeWideCircuitCapRefusesWithResourceLimitWhateverTheLink() {
    CircuitNet net = new CircuitNet(testKit, 2, CircuitSettings.defaults().withMaxRelayedCircuits(2), 15);
    Fake first = fake(net, 15);
    Fake second = fake(net, 16);
    SecureRandom random = SeededRandom.of(5);
    double refused = MetricValues.value(Metrics.get(testKit.system()),
        "shroud_circuit_creates_refused_total{reason=\"node_limit\"}");
    assertEquals(List.of(CellCommand.CREATED, CellCommand.CREATED),
        send(first, net.node(1), List.of(createFor(net.node(1), random), createFor(net.node(1), random)), true));
    Cell answer = answers(second, net.node(1), List.of(createFor(net.node(1), random)), true).get(0);
    assertEquals(CellCommand.DESTROY, answer.command(), "another link, but the node is full");
    assertEquals(DestroyReason.RESOURCE_LIMIT.code(), answer.payload(0, 1)[0]);
    assertEquals(refused + 1, MetricValues.value(Metrics.get(testKit.system()),
        "shroud_circuit_creates_refused_total{reason=\"node_limit\"}"));
  }

  @Test
  void anIdFromTheWrongHalfIsRefused() {
    CircuitNet net = new CircuitNet(testKit, 2, CircuitSettings.defaults(), 14);
    Fake fake = fake(net, 14);
    assertEquals(List.of(CellCommand.DESTROY),
        send(fake, net.node(1), List.of(createFor(net.node(1), SeededRandom.of(4))), false));
  }
}

package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shroud.identity.NodeId;
import io.shroud.node.EchoResult;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Test fixture for the packages above {@code circuit} (hidden seeding's actors): {@link CircuitNet}'s
 * nodes (real {@link CircuitsActor}s on in-memory links or loopback TCP, each relay in its own /16, {@code echo} bound) seen
 * from outside the package: their circuits actors and ids, circuits built and watched, echoes.
 */
public final class SeederTestNet {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final ActorTestKit testKit;
  private final CircuitNet net;

  /** {@code count} nodes; node 0 keeps node 1 as its only guard. */
  public SeederTestNet(ActorTestKit testKit, int count, long seed) {
    this(testKit, new CircuitNet(testKit, count, CircuitSettings.defaults(), seed));
  }

  private SeederTestNet(ActorTestKit testKit, CircuitNet net) {
    this.testKit = testKit;
    this.net = net;
  }

  /** As {@link #SeederTestNet(ActorTestKit, int, long)}, each node with a real link actor on its own loopback address. */
  public static SeederTestNet overLoopbackTcp(ActorTestKit testKit, int count, long seed, Clock clock) {
    return new SeederTestNet(testKit, new CircuitNet(testKit, count, CircuitSettings.defaults(), seed, clock,
        CircuitNet.Transport.LOOPBACK_TCP));
  }

  public int size() {
    return net.nodes.size();
  }

  public NodeId id(int node) {
    return net.node(node).id();
  }

  public ActorRef<CircuitsActor.Command> circuits(int node) {
    return net.node(node).circuits();
  }

  /** The index of the node with this id. */
  public int indexOf(NodeId id) {
    for (int i = 0; i < size(); i++) {
      if (id(i).equals(id)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no node " + id);
  }

  /** A circuit of {@code hops} from {@code origin} ending at {@code to}, its control events to {@code control}. */
  public ActorRef<CircuitActor.Command> build(int origin, NodeId to, int hops,
      ActorRef<CircuitControl.ControlEvent> control) {
    CircuitsActor.Built built = CircuitActorsTest.buildIn(testKit, net.node(origin), Optional.of(net.byId(to.toHex())),
        hops);
    assertEquals(to.toHex(), built.path().get(hops - 1));
    built.circuit().tell(new CircuitActor.WatchControl(control));
    return built.circuit();
  }

  /** Echoes {@code bytes} through a new stream to the far end of {@code circuit}. */
  public EchoResult echo(ActorRef<CircuitActor.Command> circuit, int bytes, long seed) {
    return CircuitActorsTest.echoIn(testKit, new CircuitsActor.Built("", List.of(), 0, circuit), bytes, seed);
  }

  /** The relays {@code node}'s circuits actor draws paths from ({@link CircuitsActor.GetRelays}). */
  public List<RelayInfo> relays(int node) {
    TestProbe<CircuitsActor.Relays> probe = testKit.createTestProbe();
    circuits(node).tell(new CircuitsActor.GetRelays(probe.ref()));
    return probe.receiveMessage(WAIT).relays();
  }
}

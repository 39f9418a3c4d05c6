package io.shroud.circuit;

import io.shroud.crypto.OnionKeyPair;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.link.InMemoryLinks;
import io.shroud.link.Links;
import io.shroud.node.EchoServiceActor;
import io.shroud.testutil.SeededRandom;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Test fixture: simulated nodes on {@link InMemoryLinks}, each with real onion keys, a
 * descriptor in its own /16 (127.k.0.1) and a {@link CircuitsActor} with the {@code echo}
 * service bound (the node's {@link EchoServiceActor}, as the node guardian binds it). Every node's links go
 * through a proxy that can flip one bit of its next outbound RELAY cell ({@link Node#tamperNextRelay}).
 */
final class CircuitNet {
  /** One simulated node. */
  record Node(NodeId id, OnionKeyPair onionKey, NodeDescriptor descriptor, ActorRef<CircuitsActor.Command> circuits,
      AtomicInteger tamper) {
    /** Flips a bit in the RELAY cell this node sends after {@code skip} more RELAY cells. */
    void tamperNextRelay(int skip) {
      tamper.set(skip + 1);
    }
  }

  final InMemoryLinks links;
  final List<Node> nodes = new ArrayList<>();
  private final ActorTestKit testKit;

  /** {@code count} nodes; node 0 keeps node 1 as its only guard. */
  CircuitNet(ActorTestKit testKit, int count, CircuitSettings settings, long seed) {
    this(testKit, count, settings, seed, Clock.systemUTC());
  }

  /** As above, every node reading {@code clock} (circuit ages and idleness, key validity, rate limits). */
  CircuitNet(ActorTestKit testKit, int count, CircuitSettings settings, long seed, Clock clock) {
    this.testKit = testKit;
    this.links = new InMemoryLinks(testKit);
    SecureRandom random = SeededRandom.of(seed);
    Instant now = clock.instant();
    List<NodeDescriptor> descriptors = new ArrayList<>();
    List<OnionKeyPair> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] identity = new byte[32];
      random.nextBytes(identity);
      byte[] linkKey = new byte[32];
      random.nextBytes(linkKey);
      OnionKeyPair onion = OnionKeyPair.generate(random, now.plus(Duration.ofDays(2)));
      keys.add(onion);
      int octet = (int) (seed % 50) * 5 + i + 1;
      descriptors.add(new NodeDescriptor(NodeDescriptor.PROTOCOL_VERSION, NodeId.ofIdentityKey(identity), identity,
          linkKey, onion.publicKey().encode(), "127.0.0.1:" + (2550 + i), "127." + octet + ".0.1:9000",
          now.minusSeconds(60), now.plus(Duration.ofDays(1))));
    }
    for (int i = 0; i < count; i++) {
      NodeId id = descriptors.get(i).nodeId();
      AtomicInteger tamper = new AtomicInteger();
      ActorRef<Links.Command> proxy = testKit.spawn(tamperingProxy(links.linksOf(id), tamper));
      List<GuardSet.Entry> guards = i == 0 && count > 1
          ? List.of(new GuardSet.Entry(descriptors.get(1).nodeId(), now, now.plus(Duration.ofDays(60))))
          : List.of();
      ActorRef<CircuitsActor.Command> circuits = testKit.spawn(CircuitsActor.create(new CircuitsActor.Setup(id,
          settings, proxy, Optional.empty(), Optional.empty(), guards, Optional.empty(), clock,
          SeededRandom.of(seed * 31 + i))));
      circuits.tell(new CircuitsActor.UseOnionKeys(keys.get(i), Optional.empty()));
      circuits.tell(new CircuitsActor.UseDirectory(descriptors));
      circuits.tell(new CircuitsActor.RegisterService(EchoServiceActor.SERVICE,
          testKit.spawn(EchoServiceActor.create())));
      nodes.add(new Node(id, keys.get(i), descriptors.get(i), circuits, tamper));
    }
  }

  Node node(int index) {
    return nodes.get(index);
  }

  Node byId(String hex) {
    return nodes.stream().filter(n -> n.id().toHex().equals(hex)).findFirst().orElseThrow();
  }

  private static Behavior<Links.Command> tamperingProxy(ActorRef<Links.Command> real, AtomicInteger tamper) {
    return Behaviors.receiveMessage(command -> {
      if (command instanceof Links.Send send) {
        real.tell(new Links.Send(send.to(), maybeTamper(send.cell(), tamper)));
      } else if (command instanceof Links.SendAll sendAll) {
        real.tell(new Links.SendAll(sendAll.to(), sendAll.cells().stream().map(c -> maybeTamper(c, tamper)).toList()));
      } else {
        real.tell(command);
      }
      return Behaviors.same();
    });
  }

  /** {@code cell}, or a copy with one bit flipped if it is the RELAY cell the countdown picks. */
  private static Cell maybeTamper(Cell cell, AtomicInteger tamper) {
    if (cell.command() == CellCommand.RELAY && tamper.get() > 0 && tamper.decrementAndGet() == 0) {
      byte[] payload = cell.payload();
      payload[100] ^= 0x01;
      return new Cell(cell.circuitId(), CellCommand.RELAY, payload);
    }
    return cell;
  }
}

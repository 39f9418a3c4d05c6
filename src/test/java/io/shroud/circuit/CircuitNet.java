package io.shroud.circuit;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.OnionKeyPair;
import io.shroud.crypto.X25519;
import io.shroud.identity.DataAddress;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.link.InMemoryLinks;
import io.shroud.link.LinkSettings;
import io.shroud.link.Links;
import io.shroud.link.LinksActor;
import io.shroud.link.OpenLinks;
import io.shroud.node.EchoServiceActor;
import io.shroud.testutil.SeededRandom;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Test fixture: simulated nodes on {@link InMemoryLinks} (or real links over loopback TCP,
 * {@link Transport#LOOPBACK_TCP}), each with real onion keys, a
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

  /** How the nodes' links carry cells. */
  enum Transport {
    /** {@link InMemoryLinks}, with the tampering proxy. */
    IN_MEMORY,
    /**
     * A real {@link LinksActor} per node on its own loopback address (127.k.0.1, an ephemeral
     * port): real link keys, Noise handshakes and TCP; no tampering.
     */
    LOOPBACK_TCP
  }

  /** In-memory links; null over {@link Transport#LOOPBACK_TCP}. */
  final InMemoryLinks links;
  final List<Node> nodes = new ArrayList<>();
  private final ActorTestKit testKit;

  /** {@code count} nodes; node 0 keeps node 1 as its only guard. */
  CircuitNet(ActorTestKit testKit, int count, CircuitSettings settings, long seed) {
    this(testKit, count, settings, seed, Clock.systemUTC());
  }

  /** As above, every node reading {@code clock} (circuit ages and idleness, key validity, rate limits). */
  CircuitNet(ActorTestKit testKit, int count, CircuitSettings settings, long seed, Clock clock) {
    this(testKit, count, settings, seed, clock, Transport.IN_MEMORY);
  }

  /** As above, over {@code transport}. */
  CircuitNet(ActorTestKit testKit, int count, CircuitSettings settings, long seed, Clock clock, Transport transport) {
    this.testKit = testKit;
    this.links = transport == Transport.IN_MEMORY ? new InMemoryLinks(testKit) : null;
    SecureRandom random = SeededRandom.of(seed);
    Instant now = clock.instant();
    List<NodeDescriptor> descriptors = new ArrayList<>();
    List<OnionKeyPair> keys = new ArrayList<>();
    List<ActorRef<Links.Command>> tcpLinks = new ArrayList<>();
    List<OpenLinks> openLinks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      OnionKeyPair onion = OnionKeyPair.generate(random, now.plus(Duration.ofDays(2)));
      keys.add(onion);
      int octet = (int) (seed % 50) * 5 + i + 1;
      byte[] identity;
      byte[] linkKey;
      String dataAddress;
      if (transport == Transport.IN_MEMORY) {
        identity = new byte[32];
        random.nextBytes(identity);
        linkKey = new byte[32];
        random.nextBytes(linkKey);
        dataAddress = "127." + octet + ".0.1:9000";
      } else {
        identity = Ed25519.generate(random).publicKey();
        X25519.KeyPair linkPair = X25519.generate(random);
        linkKey = linkPair.publicKey();
        OpenLinks open = OpenLinks.create();
        ActorRef<Links.Command> tcp = testKit.spawn(LinksActor.create(NodeId.ofIdentityKey(identity), linkPair,
            new InetSocketAddress("127." + octet + ".0.1", 0), LinkSettings.defaults(), subscriber -> { }, clock,
            SeededRandom.of(seed * 17 + i), open));
        TestProbe<InetSocketAddress> bound = testKit.createTestProbe();
        tcp.tell(new LinksActor.GetLocalAddress(bound.ref()));
        dataAddress = DataAddress.format(bound.receiveMessage(Duration.ofSeconds(10)));
        tcpLinks.add(tcp);
        openLinks.add(open);
      }
      descriptors.add(new NodeDescriptor(NodeDescriptor.PROTOCOL_VERSION, NodeId.ofIdentityKey(identity), identity,
          linkKey, onion.publicKey().encode(), "127.0.0.1:" + (2550 + i), dataAddress,
          now.minusSeconds(60), now.plus(Duration.ofDays(1))));
    }
    for (ActorRef<Links.Command> tcp : tcpLinks) {
      tcp.tell(new LinksActor.DirectoryUpdated(new DirectoryView(descriptors)));
    }
    for (int i = 0; i < count; i++) {
      NodeId id = descriptors.get(i).nodeId();
      AtomicInteger tamper = new AtomicInteger();
      List<GuardSet.Entry> guards = i == 0 && count > 1
          ? List.of(new GuardSet.Entry(descriptors.get(1).nodeId(), now, now.plus(Duration.ofDays(60))))
          : List.of();
      CircuitsActor.Setup setup = transport == Transport.IN_MEMORY
          ? new CircuitsActor.Setup(id, settings, testKit.spawn(tamperingProxy(links.linksOf(id), tamper)),
              Optional.empty(), Optional.empty(), guards, Optional.empty(), clock, SeededRandom.of(seed * 31 + i))
          : new CircuitsActor.Setup(id, settings, tcpLinks.get(i), openLinks.get(i), Optional.empty(),
              Optional.empty(), guards, Optional.empty(), clock, SeededRandom.of(seed * 31 + i));
      ActorRef<CircuitsActor.Command> circuits = testKit.spawn(CircuitsActor.create(setup));
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

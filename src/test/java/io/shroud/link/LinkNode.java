package io.shroud.link;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.OnionPublicKey;
import io.shroud.crypto.X25519;
import io.shroud.identity.DataAddress;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One real {@link LinksActor} on a loopback address for tests: fresh identity and link keys,
 * a DHT handler probe and a link-event probe, and the descriptor other nodes dial it with.
 * The directory is injected with {@link LinksActor.DirectoryUpdated}; the directory actor ref
 * is a probe that ignores the subscription.
 */
final class LinkNode {
  private static final SecureRandom RANDOM = new SecureRandom();

  final Ed25519.KeyPair identity = Ed25519.generate(RANDOM);
  final X25519.KeyPair linkKey = X25519.generate(RANDOM);
  final NodeId id = NodeId.ofIdentityKey(identity.publicKey());
  final ActorRef<Links.Command> links;
  /** The links this node's LinksActor publishes for direct sends. */
  final OpenLinks openLinks = OpenLinks.create();
  final InetSocketAddress address;
  final TestProbe<Links.Inbound> dht;
  final TestProbe<Links.LinkEvent> events;
  private final ActorTestKit kit;

  LinkNode(ActorTestKit kit, String host, LinkSettings settings) {
    this.kit = kit;
    // no directory actor: the tests hand the links their directory (DirectoryUpdated)
    links = kit.spawn(LinksActor.create(id, linkKey, new InetSocketAddress(host, 0), settings,
        subscriber -> { }, Clock.systemUTC(), RANDOM, openLinks));
    TestProbe<InetSocketAddress> bound = kit.createTestProbe();
    links.tell(new LinksActor.GetLocalAddress(bound.ref()));
    address = bound.receiveMessage(Duration.ofSeconds(5));
    dht = kit.createTestProbe();
    events = kit.createTestProbe();
    links.tell(new Links.Route(io.shroud.wire.CellCommand.DHT, dht.ref()));
    links.tell(new Links.WatchLinks(events.ref()));
  }

  /** This node's verified descriptor, reachable at {@code dataAddress}. */
  NodeDescriptor descriptor(String dataAddress) {
    return descriptor(dataAddress, linkKey.publicKey());
  }

  NodeDescriptor descriptor() {
    return descriptor(DataAddress.format(address));
  }

  /** This node's descriptor with an arbitrary link key (to model a wrong key). */
  NodeDescriptor descriptor(String dataAddress, byte[] linkPublicKey) {
    return descriptor(identity, linkPublicKey, dataAddress);
  }

  /** A descriptor of a node that runs no LinksActor (a raw-socket peer in tests). */
  static NodeDescriptor descriptor(Ed25519.KeyPair identity, byte[] linkPublicKey,
      String dataAddress) {
    NodeId id = NodeId.ofIdentityKey(identity.publicKey());
    Instant now = Instant.now();
    byte[] onion = new byte[OnionPublicKey.ENCODED_BYTES];
    RANDOM.nextBytes(onion);
    return new NodeDescriptor(NodeDescriptor.PROTOCOL_VERSION, id, identity.publicKey(),
        linkPublicKey, onion, "127.0.0.1:2552", dataAddress,
        now.minusSeconds(60), now.plusSeconds(3600));
  }

  /** Tells this node that the verified directory is exactly {@code descriptors}. */
  void directory(NodeDescriptor... descriptors) {
    links.tell(new LinksActor.DirectoryUpdated(
        new DirectoryView(List.of(descriptors))));
  }

  /** Every node's directory lists every node of {@code nodes} at its real address. */
  static void directoryOfAll(LinkNode... nodes) {
    List<NodeDescriptor> all = new ArrayList<>();
    for (LinkNode n : nodes) {
      all.add(n.descriptor());
    }
    for (LinkNode n : nodes) {
      n.directory(all.toArray(NodeDescriptor[]::new));
    }
  }

  Links.PeersView peers() {
    TestProbe<Links.PeersView> probe = kit.createTestProbe();
    links.tell(new Links.GetPeers(probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(3));
  }

  LinkStats stats() {
    TestProbe<LinkStats> probe = kit.createTestProbe();
    links.tell(new LinksActor.GetStats(probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(3));
  }

  void stop() {
    kit.stop(links, Duration.ofSeconds(5));
  }
}

package io.shroud.dht;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.link.InMemoryLinks;
import io.shroud.link.Links;
import io.shroud.node.DirectoryActor;
import io.shroud.testutil.SeededRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A network of simulated DHT nodes for actor tests: each node is a {@link DhtActor} on its own
 * {@link InMemoryLinks} links actor, at data address 127.(i+1).0.1:7000 (its own /24), seeded
 * with a directory view that lists every node.
 */
final class DhtTestNet {
  record Node(Ed25519.KeyPair identity, NodeId id, ActorRef<DhtActor.Command> dht) {
    String publisherHex() {
      return java.util.HexFormat.of().formatHex(identity.publicKey());
    }
  }

  final ActorTestKit kit;
  final InMemoryLinks links;
  final List<Node> nodes = new ArrayList<>();

  /**
   * Timeouts short enough for tests yet long enough for a loaded 2-core machine (a query that
   * times out makes a lookup skip a node), refresh out of the way, no persistence.
   */
  static DhtSettings fastSettings() {
    return DhtSettings.defaults()
        .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500))
        .withMaintenance(Duration.ofMillis(100), Duration.ofHours(24))
        .withPersistence(false, 20);
  }

  DhtTestNet(ActorTestKit kit, InMemoryLinks links) {
    this.kit = kit;
    this.links = links;
  }

  /** Starts {@code n} nodes and gives each a directory view of all of them. */
  static DhtTestNet start(ActorTestKit kit, int n, DhtSettings settings, Clock clock, long seed) {
    DhtTestNet net = new DhtTestNet(kit, new InMemoryLinks(kit));
    for (int i = 0; i < n; i++) {
      net.nodes.add(net.spawn(Ed25519.generate(SeededRandom.of(seed * 1000 + i)), settings, clock,
          seed * 1000 + i));
    }
    List<NodeDescriptor> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Node node = net.nodes.get(i);
      all.add(descriptor(node.id(), node.identity().publicKey(), dataAddress(i)));
    }
    net.nodes.forEach(node -> node.dht().tell(
        new DhtActor.DirectoryUpdated(new DirectoryView(all))));
    net.awaitQuiet();
    return net;
  }

  Node spawn(Ed25519.KeyPair identity, DhtSettings settings, Clock clock, long seed) {
    NodeId id = NodeId.ofIdentityKey(identity.publicKey());
    ActorRef<DhtActor.Command> dht = kit.spawn(DhtActor.create(identity, links.linksOf(id), null,
        settings, clock, SeededRandom.of(seed)), "dht-" + id.shortHex());
    awaitRouted(id, dht);
    return new Node(identity, id, dht);
  }

  /** Waits until no node has a request in flight: the join lookups are over. */
  void awaitQuiet() {
    kit.createTestProbe().awaitAssert(Duration.ofSeconds(20), Duration.ofMillis(50), () -> {
      for (Node node : nodes) {
        DhtView v = view(node.dht());
        if (v.pendingRequests() > 0 || v.activeLookups() > 0) {
          throw new AssertionError(node.id().shortHex() + " still has requests in flight");
        }
      }
      return null;
    });
  }

  /**
   * Returns once the links actor of {@code id} has registered the DHT route: the route was
   * enqueued before the DHT actor answered, so a later message to the links actor is handled
   * after it.
   */
  void awaitRouted(NodeId id, ActorRef<DhtActor.Command> dht) {
    view(dht);
    TestProbe<Links.PeersView> peers = kit.createTestProbe();
    links.linksOf(id).tell(new Links.GetPeers(peers.getRef()));
    peers.receiveMessage();
  }

  static String dataAddress(int i) {
    return "127." + (i + 1) + ".0.1:7000";
  }

  static NodeDescriptor descriptor(NodeId id, byte[] identityKey, String dataAddress) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    return new NodeDescriptor(NodeDescriptor.PROTOCOL_VERSION, id, identityKey, new byte[32],
        new byte[0], "127.0.0.1:2552", dataAddress, t,
        t.plus(Duration.ofDays(3650)));
  }

  DhtView view(ActorRef<DhtActor.Command> dht) {
    TestProbe<DhtView> probe = kit.createTestProbe();
    dht.tell(new DhtActor.GetBuckets(probe.getRef()));
    return probe.receiveMessage();
  }

  List<SignedRecord> stored(Node node, NodeId key) {
    TestProbe<RecordsActor.StoredRecords> probe = kit.createTestProbe();
    node.dht().tell(new DhtActor.GetStoredRecords(key, probe.getRef()));
    return probe.receiveMessage().records();
  }

  PutRecordResult put(Node node, NodeId key, byte[] value, Duration ttl) {
    TestProbe<PutRecordResult> probe = kit.createTestProbe();
    node.dht().tell(new DhtActor.PutRecord(key.toBytes(), value, ttl, probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(15));
  }

  RecordLookupView get(Node node, NodeId key) {
    TestProbe<RecordLookupView> probe = kit.createTestProbe();
    node.dht().tell(new DhtActor.GetRecord(key.toBytes(), probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(15));
  }

  /** The {@code k} nodes closest to {@code key}, closest first. */
  List<Node> closest(NodeId key, int k) {
    List<Node> sorted = new ArrayList<>(nodes);
    sorted.sort(Comparator.comparing(Node::id, key::compareDistance));
    return sorted.subList(0, Math.min(k, sorted.size()));
  }
}

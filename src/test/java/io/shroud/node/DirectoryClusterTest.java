package io.shroud.node;

import io.shroud.testutil.LoopbackCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.OnionKeyPair;
import io.shroud.crypto.OnionKeys;
import io.shroud.crypto.X25519;
import io.shroud.identity.DescriptorCodec;
import io.shroud.identity.DirectoryCache;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.identity.SignedDescriptor;
import io.shroud.node.admission.Revocations;
import io.shroud.testutil.SeededRandom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three nodes in one JVM form a real Pekko cluster on loopback Artery, each with its own
 * {@link DirectoryActor}. One member (C) writes, straight through its Replicator, a forged
 * descriptor under the victim's (B's) node id, with an LWW timestamp no later write can beat;
 * in the same write it changes its own descriptor (a marker). The first view of every member that
 * shows the marker (so it was computed from a map holding the forgery) still lists B's real
 * descriptor, no later view loses it, and the map itself comes back to B's own descriptor. A
 * second test revokes a node on one member and watches it leave that member's view.
 */
class DirectoryClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long MARKER_BANDWIDTH = 12345L * 1024;
  private static final SecureRandom RANDOM = SeededRandom.of(2323);

  record Node(ActorTestKit kit, Ed25519.KeyPair identity, DirectoryActor.Self self,
      ActorRef<DirectoryActor.Command> directory) {
    NodeId id() {
      return NodeId.ofIdentityKey(identity.publicKey());
    }

    String clusterAddress() {
      return self.settings().clusterAddress().toString();
    }
  }

  static final List<Node> NODES = new ArrayList<>();
  static Path tmp;

  @BeforeAll
  static void formCluster() throws Exception {
    tmp = Files.createTempDirectory("shroud-directory-cluster-");
    List<ActorTestKit> kits = new ArrayList<>();
    List<ShroudSettings> settings = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int clusterPort = LoopbackCluster.freePort();
      ShroudSettings s = ShroudSettings.from(NodeConfig.load(Map.of(
          "shroud.host", "127.0.0.1", "shroud.cluster-port", clusterPort, "shroud.data-port", LoopbackCluster.freePort(),
          "shroud.data-dir", tmp.resolve("n" + i).toString()), Optional.empty()));
      settings.add(s);
      kits.add(ActorTestKit.create(NodeConfig.SYSTEM_NAME, LoopbackCluster.memberConfig(clusterPort)));
    }
    var seed = Cluster.get(kits.get(0).system()).selfMember().address();
    kits.forEach(k -> Cluster.get(k.system()).manager().tell(Join.create(seed)));
    for (ActorTestKit k : kits) {
      k.createTestProbe().awaitAssert(WAIT, () -> {
        assertEquals(3, countUp(k));
        return null;
      });
    }
    for (int i = 0; i < 3; i++) {
      ActorTestKit kit = kits.get(i);
      Ed25519.KeyPair identity = Ed25519.generate(RANDOM);
      DirectoryActor.Self self = new DirectoryActor.Self(identity, X25519.generate(RANDOM).publicKey(), settings.get(i));
      TestProbe<KeysActor.Command> keys = kit.createTestProbe();
      ActorRef<DirectoryActor.Command> directory = kit.spawn(DirectoryActor.create(self, keys.ref(), Clock.systemUTC()));
      keys.expectMessageClass(KeysActor.Subscribe.class).subscriber().tell(new OnionKeys(1,
          OnionKeyPair.generate(RANDOM, Instant.now().plus(Duration.ofDays(14))), Instant.now(), Optional.empty()));
      NODES.add(new Node(kit, identity, self, directory));
    }
    for (Node n : NODES) {
      subscribe(n).fishForMessage(WAIT, "three verified descriptors", v -> v.descriptors().size() == 3
          ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    }
  }

  /** A probe that gets {@code n}'s view now and every change from here on. */
  private static TestProbe<DirectoryView> subscribe(Node n) {
    TestProbe<DirectoryView> views = n.kit().createTestProbe();
    n.directory().tell(new DirectoryActor.Subscribe(views.ref()));
    return views;
  }


  private static int countUp(ActorTestKit k) {
    int up = 0;
    for (var m : Cluster.get(k.system()).state().getMembers()) {
      if (m.status() == MemberStatus.up()) {
        up++;
      }
    }
    return up;
  }


  @AfterAll
  static void shutdown() throws IOException {
    NODES.forEach(n -> n.kit().shutdownTestKit());
    try (var walk = Files.walk(tmp)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static Optional<NodeDescriptor> find(DirectoryView v, NodeId id) {
    return v.descriptors().stream().filter(d -> d.nodeId().equals(id)).findFirst();
  }

  private static DirectoryView viewOf(Node n) {
    TestProbe<DirectoryView> reply = n.kit().createTestProbe();
    n.directory().tell(new DirectoryActor.GetDirectory(reply.ref()));
    return reply.receiveMessage(WAIT);
  }

  private static NodeDescriptor descriptorOf(Node n) {
    return find(viewOf(n), n.id()).orElseThrow();
  }

  @Test
  void aForgedDescriptorWrittenUnderAnotherNodesIdLeavesTheRealOneInEveryView() {
    Node attacker = NODES.get(2);
    Node victim = NODES.get(1);
    NodeDescriptor real = descriptorOf(victim);
    NodeDescriptor attackerOwn = descriptorOf(attacker);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    // the victim's id, key and address, the attacker's link key and data address, signed by the attacker
    NodeDescriptor lie = new NodeDescriptor(NodeDescriptor.PROTOCOL_VERSION, real.nodeId(), real.identityKey(),
        X25519.generate(RANDOM).publicKey(), real.onionKey(), real.clusterAddress(), attackerOwn.dataAddress(),
        now.minusSeconds(10), now.plus(Duration.ofHours(2)));
    SignedDescriptor forged = SignedDescriptor.sign(lie, attacker.identity());
    NodeDescriptor marked = new NodeDescriptor(NodeDescriptor.PROTOCOL_VERSION, attacker.id(),
        attacker.identity().publicKey(), attackerOwn.linkKey(), attackerOwn.onionKey(), attacker.clusterAddress(),
        attackerOwn.dataAddress(), now.minusSeconds(5), now.plus(Duration.ofHours(2)), MARKER_BANDWIDTH);
    SignedDescriptor marker = SignedDescriptor.sign(marked, attacker.identity());
    List<TestProbe<DirectoryView>> probes = NODES.stream().map(DirectoryClusterTest::subscribe).toList();
    for (TestProbe<DirectoryView> p : probes) {
      assertEquals(Optional.of(real), find(p.receiveMessage(WAIT), victim.id()));
    }

    SelfUniqueAddress as = DistributedData.get(attacker.kit().system()).selfUniqueAddress();
    TestProbe<Replicator.UpdateResponse<LWWMap<String, SignedDescriptor>>> written = attacker.kit().createTestProbe();
    DistributedData.get(attacker.kit().system()).replicator().tell(new Replicator.Update<>(DirectoryActor.DESCRIPTORS,
        LWWMap.empty(), new Replicator.WriteAll(Duration.ofSeconds(5)), written.ref(),
        map -> map.put(as, DirectoryCache.keyOf(victim.id()), forged, (timestamp, value) -> Long.MAX_VALUE)
            .put(as, DirectoryCache.keyOf(attacker.id()), marker)));
    written.expectMessageClass(Replicator.UpdateSuccess.class, WAIT);

    for (TestProbe<DirectoryView> p : probes) {
      List<DirectoryView> views = p.fishForMessage(WAIT, "the view with the marker", v -> markerIn(v)
          ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
      for (DirectoryView v : views) {
        assertEquals(Optional.of(real), find(v, victim.id()), "the victim's real descriptor, in every view");
      }
    }
    // nor does the victim drop out later (cleanups and the victim's re-puts racing the forgery): no view changes
    probes.get(0).expectNoMessage(DirectoryActor.RECHECK_INTERVAL.plusSeconds(1));
    probes.forEach(p -> p.expectNoMessage(Duration.ofMillis(100)));
    for (Node n : NODES) {
      assertEquals(Optional.of(real), find(viewOf(n), victim.id()));
    }
    // and the map itself heals: members remove the forgery (it can never verify), the victim puts its own back,
    // although the forgery's LWW timestamp (Long.MAX_VALUE) beats any later put of the same register
    for (Node n : NODES) {
      TestProbe<Replicator.GetResponse<LWWMap<String, SignedDescriptor>>> got = n.kit().createTestProbe();
      got.awaitAssert(WAIT, Duration.ofMillis(200), () -> {
        DistributedData.get(n.kit().system()).replicator().tell(new Replicator.Get<>(DirectoryActor.DESCRIPTORS,
            Replicator.readLocal(), got.ref()));
        var r = (Replicator.GetSuccess<LWWMap<String, SignedDescriptor>>) got.receiveMessage();
        SignedDescriptor there = r.get(DirectoryActor.DESCRIPTORS).getEntries().get(DirectoryCache.keyOf(victim.id()));
        assertTrue(there != null && DescriptorCodec.decode(there.encoded()).equals(real), String.valueOf(there));
        return null;
      });
    }
  }

  private static boolean markerIn(DirectoryView v) {
    return v.descriptors().stream().anyMatch(d -> d.bandwidth() == MARKER_BANDWIDTH);
  }

  @Test
  void aRevokedNodeLeavesTheViewWithinARecheckInterval() {
    Node reader = NODES.get(0);
    Node revoked = NODES.get(1);
    TestProbe<DirectoryView> views = subscribe(reader);
    assertTrue(find(views.receiveMessage(WAIT), revoked.id()).isPresent());
    Revocations.get(reader.kit().system()).update(Set.of(revoked.id()));
    try {
      views.fishForMessage(DirectoryActor.RECHECK_INTERVAL.plusSeconds(2), "a view without the revoked id",
          v -> find(v, revoked.id()).isEmpty() ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    } finally {
      Revocations.get(reader.kit().system()).update(Set.of());
    }
    views.fishForMessage(DirectoryActor.RECHECK_INTERVAL.plusSeconds(2), "the id back once no longer revoked",
        v -> find(v, revoked.id()).isPresent() ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
  }

}

package io.shroud.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.shroud.crypto.Ed25519;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.link.InMemoryLinks;
import io.shroud.node.DirectoryActor;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The routing table survives a restart: snapshots go through the persistence testkit with
 * serialization on, so the Kryo registrations of the snapshot classes are exercised too.
 */
class DhtRoutingPersistenceTest {
  static final Config CONFIG = PersistenceTestKitPlugin.getInstance().config()
      .withFallback(PersistenceTestKitSnapshotPlugin.config())
      .withFallback(ConfigFactory.parseString("""
          pekko.actor.serializers.shroud-kryo = "io.shroud.serialization.KryoSerializer"
          pekko.actor.serialization-bindings { "io.shroud.serialization.ShroudSerializable" = shroud-kryo }
          pekko.actor.allow-java-serialization = off
          pekko.persistence.testkit.events.serialize = on
          pekko.persistence.testkit.snapshots.serialize = on
          """))
      .withFallback(ConfigFactory.load());

  static final ActorTestKit kit = ActorTestKit.create(CONFIG);

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @Test
  void aRestartedNodeRestoresItsRoutingTableFromTheSnapshot() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-24T00:00:00Z"));
    InMemoryLinks links = new InMemoryLinks(kit);
    DhtTestNet net = new DhtTestNet(kit, links);
    TestProbe<FakePeer.Heard> heard = kit.createTestProbe();
    DhtSettings settings = DhtTestNet.fastSettings().withPersistence(true, 1);
    Ed25519.KeyPair identity = Ed25519.generate(SeededRandom.of(42));

    DhtTestNet.Node first = net.spawn(identity, settings, clock, 1);
    List<NodeDescriptor> peers = new ArrayList<>();
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      byte[] b = new byte[32];
      SeededRandom.of(500 + i).nextBytes(b);
      NodeId id = NodeId.of(b);
      new FakePeer(kit, links, id, heard, true);
      peers.add(DhtTestNet.descriptor(id, new byte[32], DhtTestNet.dataAddress(i)));
      expected.add(id.toHex() + "@127." + (i + 1) + ".0.1:7000");
    }
    first.dht().tell(new DhtActor.DirectoryUpdated(new DirectoryView(peers)));
    kit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(6, net.view(first.dht()).persistedContacts());
      return null;
    });
    DhtView before = net.view(first.dht());
    kit.stop(first.dht());

    // no directory this time: every contact must come from the snapshot
    DhtTestNet.Node second = net.spawn(identity, settings, clock, 2);
    kit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      DhtView after = net.view(second.dht());
      Set<String> restored = new HashSet<>();
      after.buckets().forEach(bucket -> bucket.contacts().forEach(
          c -> restored.add(c.nodeId() + "@" + c.address() + ":" + c.port())));
      assertEquals(expected, restored);
      assertEquals(6, after.contacts());
      return null;
    });
    assertEquals(before.nodeId(), net.view(second.dht()).nodeId());
  }
}

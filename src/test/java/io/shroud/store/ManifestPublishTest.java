package io.shroud.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.RelayInfo;
import io.shroud.circuit.SeederTestNet;
import io.shroud.hidden.ShareSecret;
import io.shroud.identity.NodeId;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.lookup.RecordPublication;
import io.shroud.testutil.SeededRandom;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stored share's manifest published (real relays on in-memory links, each with a fragment store;
 * the DHT is a probe): its chunks land on the two relays closest to each chunk's address, the root
 * record is at the manifest's location, signed by the link's publisher key, and it leads back to
 * the manifest through chunks fetched by address.
 */
class ManifestPublishTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(30);
  static final int NODES = 7;

  @TempDir
  Path dir;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void theManifestsChunksAndRootAreStoredAndLeadBackToIt() throws Exception {
    StoreNet storeNet = new StoreNet(testKit, NODES, 2912, 1, dir);
    SeederTestNet net = storeNet.net;
    SecureRandom random = SeededRandom.of(2912);
    StorageManifest manifest = StoreNet.randomManifest(StripeLayout.ofFile(3000L * 4096, 4096, Redundancy.DEFAULT),
        random);
    byte[] infoHash = new byte[32];
    random.nextBytes(infoHash);
    ShareSecret secret = ShareSecret.ofPublic(infoHash);
    byte[] sealed = ManifestSeal.seal(secret, manifest, random);
    assertEquals(3, ManifestRoot.split(sealed).size(), "a manifest of 4 500 addresses is 3 chunks");

    TestProbe<RecordLookupsActor.Command> lookups = testKit.createTestProbe();
    TestProbe<ManifestPublishActor.Result> result = testKit.createTestProbe();
    testKit.spawn(ManifestPublishActor.create(net.circuits(0), lookups.ref(), Set.of(net.id(0)),
        new ManifestPublishActor.Publish(secret, sealed, 2, 2, Duration.ofDays(7), Duration.ofHours(24)),
        Clock.systemUTC(), random, WAIT, result.ref()));
    RecordLookupsActor.StoreRecord store = lookups.expectMessageClass(RecordLookupsActor.StoreRecord.class,
        WAIT.multipliedBy(2));
    assertEquals(NodeId.of(ManifestSeal.location(secret)), store.record().key());
    assertTrue(store.record().signatureValid());
    assertArrayEquals(ManifestRoot.publisher(secret).publicKey(), store.record().publisher());
    assertEquals(2, store.hops());
    store.replyTo().tell(new RecordPublication(3, 3, List.of(), null));
    assertEquals(new ManifestPublishActor.Published(6, 3), result.receiveMessage(WAIT));

    // a holder of the link: the root, then each chunk from its closest relay, then the manifest
    ManifestRoot root = ManifestRoot.open(secret, store.record().value());
    List<RelayInfo> relays = net.relays(0).stream().filter(r -> !r.id().equals(net.id(0))).toList();
    List<byte[]> chunks = new ArrayList<>();
    for (byte[] address : root.chunks()) {
      List<RelayInfo> closest = StorerChoice.closest(address, relays, 2);
      for (RelayInfo holder : closest) {
        assertTrue(storeNet.filesOf(holder.id()).list().stream()
            .anyMatch(e -> e.address().equals(HexFormat.of().formatHex(address))), "chunk on its closest relays");
      }
      TestProbe<FragmentClientActor.Result> got = testKit.createTestProbe();
      testKit.spawn(FragmentClientActor.create(net.circuits(0), closest.get(0).id(), 2, FragmentWire.Kind.GET,
          FragmentWire.get(address), WAIT, got.ref()));
      chunks.add(assertInstanceOf(byte[].class, got.receiveMessage(WAIT).fragment()));
    }
    StorageManifest back = ManifestSeal.open(secret, root.join(chunks));
    assertArrayEquals(manifest.key().bytes(), back.key().bytes());
    assertEquals(manifest.allAddresses().size(), back.allAddresses().size());
  }
}

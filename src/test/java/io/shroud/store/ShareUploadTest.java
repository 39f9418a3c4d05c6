package io.shroud.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.SeederTestNet;
import io.shroud.identity.NodeId;
import io.shroud.testutil.SeededRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A share stored in the network and read back without its uploader, in one JVM (real relays on
 * in-memory links, each relay with its own fragment store on disk): node 0 uploads a 10-piece
 * file with 4+2 through 2-hop circuits; every stripe lands on six distinct relays, each store
 * holds exactly what was placed on it; then two storers lose everything and each stripe is
 * fetched back by address through circuits and decoded from the manifest alone.
 */
class ShareUploadTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(30);
  static final int NODES = 9;
  static final int PIECE = 4096;

  @TempDir
  Path dir;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void aStoredShareComesBackFromAnyKOfEachStripeAfterTwoStorersAreGone() throws Exception {
    StoreNet storeNet = new StoreNet(testKit, NODES, 2910, 1, dir);
    SeederTestNet net = storeNet.net;
    Map<NodeId, FragmentStore> stores = new HashMap<>();
    storeNet.files.forEach((n, files) -> stores.put(net.id(n), files));
    Path file = dir.resolve("share.bin");
    byte[] content = new byte[9 * PIECE + 1000];
    SeededRandom.of(2910).nextBytes(content);
    Files.write(file, content);
    StripeLayout layout = StripeLayout.ofFile(content.length, PIECE, Redundancy.DEFAULT);

    TestProbe<ShareUploadActor.Result> result = testKit.createTestProbe();
    testKit.spawn(ShareUploadActor.create(net.circuits(0), Set.of(net.id(0)),
        new ShareUploadActor.Upload(layout, PieceSource.file(file, layout), 2, Duration.ofDays(7)),
        SeededRandom.of(1), WAIT, result.ref()));
    ShareUploadActor.Stored stored = assertInstanceOf(ShareUploadActor.Stored.class,
        result.receiveMessage(WAIT.multipliedBy(2)), "uploaded");
    StorageManifest manifest = stored.manifest();
    assertEquals(16, manifest.allAddresses().size());
    assertEquals(16, stored.placement().size());
    for (int s = 0; s < layout.stripes(); s++) {
      Set<NodeId> holders = new HashSet<>();
      for (byte[] a : manifest.addresses(s)) {
        if (a != null) {
          holders.add(stored.placement().get(HexFormat.of().formatHex(a)));
        }
      }
      assertEquals(layout.storedFragments(s), holders.size(), "stripe " + s + ": one fragment per relay");
      assertTrue(!holders.contains(net.id(0)), "never on the uploader's relay");
    }
    for (Map.Entry<NodeId, FragmentStore> store : stores.entrySet()) {
      Set<String> held = new HashSet<>();
      store.getValue().list().forEach(e -> held.add(e.address()));
      Set<String> placed = new HashSet<>();
      stored.placement().forEach((a, n) -> {
        if (n.equals(store.getKey())) {
          placed.add(a);
        }
      });
      assertEquals(placed, held, "relay " + store.getKey().shortHex() + " holds what was placed on it");
    }

    // two storers lose everything; each stripe comes back from its other fragments, by address
    List<NodeId> lost = stored.placement().values().stream().distinct().limit(2).toList();
    for (NodeId n : lost) {
      for (FragmentStore.Entry e : stores.get(n).list()) {
        Files.delete(dir.resolve("relay-" + net.indexOf(n)).resolve(e.address() + ".frag"));
      }
    }
    StripeCoder decoder = new StripeCoder(manifest.layout(), manifest.key());
    int fromStorers = 0;
    for (int s = 0; s < layout.stripes(); s++) {
      byte[][] addresses = manifest.addresses(s);
      Map<Integer, byte[]> got = new HashMap<>();
      for (int i = 0; i < addresses.length; i++) {
        if (addresses[i] == null) {
          continue;
        }
        TestProbe<FragmentClientActor.Result> probe = testKit.createTestProbe();
        NodeId storer = stored.placement().get(HexFormat.of().formatHex(addresses[i]));
        testKit.spawn(FragmentClientActor.create(net.circuits(0), storer, 2, FragmentWire.Kind.GET,
            FragmentWire.get(addresses[i]), WAIT, probe.ref()));
        FragmentClientActor.Result r = probe.receiveMessage(WAIT);
        if (r.status() == FragmentWire.Status.OK) {
          got.put(i, r.fragment());
          fromStorers++;
        } else {
          assertTrue(lost.contains(storer), "only the lost storers miss fragments: " + r);
        }
      }
      List<byte[]> pieces = decoder.decode(s, addresses, got);
      for (int i = 0; i < pieces.size(); i++) {
        int p = layout.firstPiece(s) + i;
        byte[] expected = java.util.Arrays.copyOfRange(content, p * PIECE, p * PIECE + layout.pieceLength(p));
        assertArrayEquals(expected, pieces.get(i), "piece " + p);
      }
    }
    assertTrue(fromStorers < 16, "some fragments were lost: " + fromStorers);
  }
}

package io.shroud.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.SeederTestNet;
import io.shroud.circuit.Streams;
import io.shroud.crypto.Ed25519;
import io.shroud.dht.SignedRecord;
import io.shroud.hidden.ShareSecret;
import io.shroud.identity.NodeId;
import io.shroud.lookup.RecordLookup;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.lookup.RecordPublication;
import io.shroud.testutil.SeededRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A share that outlives its uploader, in one JVM (real relays on in-memory links, a fragment store
 * on each; the DHT is a probe that keeps the one record): node 0 stores a 13-piece file with 4+2
 * and publishes its manifest, then is gone; one storer loses everything and another answers
 * garbage; node 9, holding only the link's secret, finds the root (ignoring a forged record),
 * the manifest and the fragments, strikes the liar, and writes the file back byte for byte.
 */
class StoredShareFetchTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(30);
  static final int NODES = 10;
  static final int PIECE = 4096;

  @TempDir
  Path dir;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A storer that answers every request OK with bytes of the right length that match no address. */
  static Behavior<Streams.ServiceRequest> liar() {
    return Behaviors.receive((ctx, request) -> {
      if (request instanceof Streams.OpenServiceStream open) {
        ActorRef<Streams.StreamCommand> stream = open.stream();
        ActorRef<Object> session = ctx.spawnAnonymous(Behaviors.receiveMessage(event -> {
          if (event instanceof Streams.StreamData data) {
            stream.tell(new Streams.Consumed(data.chunks()));
            byte[] garbage = new byte[PIECE];
            Arrays.fill(garbage, (byte) 0x5a);
            byte[] response = FragmentWire.response(FragmentWire.Status.OK, garbage);
            List<byte[]> chunks = new ArrayList<>();
            for (int off = 0; off < response.length; off += Streams.MAX_CHUNK) {
              chunks.add(Arrays.copyOfRange(response, off, Math.min(response.length, off + Streams.MAX_CHUNK)));
            }
            stream.tell(new Streams.WriteAll(chunks));
            stream.tell(Streams.EndStream.INSTANCE);
            return Behaviors.stopped();
          }
          return Behaviors.same();
        }));
        open.replyTo().tell(new Streams.Accept(session.narrow()));
      }
      return Behaviors.same();
    });
  }

  @ParameterizedTest(name = "repair: {0}")
  @ValueSource(booleans = {false, true})
  void theShareComesBackFromItsStorersAloneAndALyingStorerIsStruck(boolean repair) throws Exception {
    StoreNet storeNet = new StoreNet(testKit, NODES, repair ? 2914 : 2913, 1, dir);
    SeederTestNet net = storeNet.net;
    Map<NodeId, Path> storeDirs = new HashMap<>();
    Map<NodeId, FragmentStore> files = new HashMap<>();
    storeNet.dirs.forEach((n, d) -> storeDirs.put(net.id(n), d));
    storeNet.files.forEach((n, f) -> files.put(net.id(n), f));
    Map<Integer, ActorRef<FragmentStoreActor.Command>> stores = storeNet.actors;
    SecureRandom random = SeededRandom.of(2913);
    byte[] content = new byte[12 * PIECE + 77];
    random.nextBytes(content);
    Path file = dir.resolve("share.bin");
    Files.write(file, content);
    byte[] infoHash = new byte[32];
    random.nextBytes(infoHash);
    ShareSecret secret = ShareSecret.ofPublic(infoHash);
    StripeLayout layout = StripeLayout.ofFile(content.length, PIECE, Redundancy.DEFAULT);

    TestProbe<ShareUploadActor.Result> uploaded = testKit.createTestProbe();
    testKit.spawn(ShareUploadActor.create(net.circuits(0), Set.of(net.id(0)), new ShareUploadActor.Upload(layout,
        PieceSource.file(file, layout), 2, Duration.ofDays(7)), random, WAIT, uploaded.ref()));
    ShareUploadActor.Stored stored = assertInstanceOf(ShareUploadActor.Stored.class,
        uploaded.receiveMessage(WAIT.multipliedBy(2)));
    TestProbe<RecordLookupsActor.Command> dht = testKit.createTestProbe();
    TestProbe<ManifestPublishActor.Result> published = testKit.createTestProbe();
    testKit.spawn(ManifestPublishActor.create(net.circuits(0), dht.ref(), Set.of(net.id(0)),
        new ManifestPublishActor.Publish(secret, ManifestSeal.seal(secret, stored.manifest(), random), 2, 3,
            Duration.ofDays(7), Duration.ofHours(24)), Clock.systemUTC(), random, WAIT, published.ref()));
    RecordLookupsActor.StoreRecord root = dht.expectMessageClass(RecordLookupsActor.StoreRecord.class, WAIT);
    root.replyTo().tell(new RecordPublication(3, 3, List.of(), null));
    assertInstanceOf(ManifestPublishActor.Published.class, published.receiveMessage(WAIT));

    // the uploader is gone; one storer of fragments loses everything, another lies
    // (neither is node 9, the reader: it reads its own store directly)
    List<NodeId> storers = stored.placement().values().stream().distinct().filter(n -> !n.equals(net.id(9)))
        .sorted().toList();
    NodeId emptied = storers.get(0);
    try (var held = Files.list(storeDirs.get(emptied))) {
      for (Path f : held.toList()) {
        Files.delete(f);
      }
    }
    NodeId liar = storers.get(1);
    net.circuits(net.indexOf(liar)).tell(new CircuitsActor.RegisterService(FragmentWire.SERVICE,
        testKit.spawn(liar())));
    long lost = stored.placement().values().stream().filter(n -> n.equals(emptied) || n.equals(liar)).count();

    Path out = dir.resolve("restored.bin");
    TestProbe<StoredShareFetchActor.Result> fetched = testKit.createTestProbe();
    testKit.spawn(StoredShareFetchActor.create(net.circuits(9), dht.ref(),
        new StoredShareFetchActor.Fetch(secret, 2, out, net.id(9), stores.get(9), repair, Duration.ofDays(7)), WAIT,
        fetched.ref()));
    RecordLookupsActor.LookupRecord lookup = dht.expectMessageClass(RecordLookupsActor.LookupRecord.class, WAIT);
    assertArrayEquals(ManifestSeal.location(secret), lookup.key());
    SignedRecord forged = SignedRecord.sign(Ed25519.generate(random), root.record().key(), root.record().seq() + 1,
        Instant.now().plusSeconds(3600), new byte[100]);
    lookup.replyTo().tell(new RecordLookup(List.of(forged, root.record()), List.of(), null));
    StoredShareFetchActor.Result result = fetched.receiveMessage(WAIT.multipliedBy(3));
    StoredShareFetchActor.Restored restored = assertInstanceOf(StoredShareFetchActor.Restored.class, result,
        result::toString);
    assertArrayEquals(content, Files.readAllBytes(out), "the file, byte for byte");
    assertEquals(1, restored.struck(), "the lying storer was struck, once: " + restored);
    assertTrue(restored.fromStorers() >= layout.pieces(), "fragments from storers: " + restored.fromStorers());
    System.out.println("StoredShareFetchTest: " + restored.fromStorers() + " fragments from storers, "
        + restored.struck() + " struck, " + restored.rebuilt() + " rebuilt");
    if (!repair) {
      assertEquals(0, restored.rebuilt());
      return;
    }
    // the repair: every stripe has all its stored fragments again, counted from the honest
    // storers' own stores, on distinct relays
    assertEquals(lost, restored.rebuilt(), "what the emptied and the lying storer held was rebuilt");
    for (int s = 0; s < layout.stripes(); s++) {
      Set<NodeId> holders = new java.util.HashSet<>();
      int live = 0;
      for (byte[] a : stored.manifest().addresses(s)) {
        if (a == null) {
          continue;
        }
        String hex = java.util.HexFormat.of().formatHex(a);
        for (Map.Entry<NodeId, FragmentStore> store : files.entrySet()) {
          if (!store.getKey().equals(liar) && store.getValue().list().stream().anyMatch(e -> e.address().equals(hex))
              && Files.exists(storeDirs.get(store.getKey()).resolve(hex + ".frag"))) {
            live++;
            holders.add(store.getKey());
            break;
          }
        }
      }
      assertEquals(layout.storedFragments(s), live, "stripe " + s + " is whole again");
      assertEquals(live, holders.size(), "stripe " + s + " on distinct relays");
    }
  }
}

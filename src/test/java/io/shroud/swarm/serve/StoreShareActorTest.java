package io.shroud.swarm.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shroud.content.ShareLink;
import io.shroud.hidden.ShareSecret;
import io.shroud.lookup.RecordLookup;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.lookup.RecordPublication;
import io.shroud.store.Redundancy;
import io.shroud.store.StoreNet;
import io.shroud.store.StoredShareFetchActor;
import io.shroud.testutil.PersistenceTestConfig;
import io.shroud.testutil.SeededRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One of a node's encrypted shares stored in the network and read back with its link alone (real
 * relays on in-memory links, each with a fragment store; the DHT is a probe that keeps the root):
 * the answer counts what was placed, and the ciphertext comes back byte for byte. Unknown shares
 * are 404.
 */
class StoreShareActorTest {
  static final ActorTestKit testKit = ActorTestKit.create(PersistenceTestConfig.CONFIG);
  static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void anEncryptedShareIsStoredAndItsLinkAloneReadsItBack() throws Exception {
    StoreNet stores = new StoreNet(testKit, 10, 2915, 1, dir.resolve("stores"));
    ActorRef<SharesActor.Command> shares = testKit.spawn(SharesActor.create(stores.net.id(0), dir.resolve("data"),
        Clock.systemUTC()));
    Path file = dir.resolve("secret.bin");
    byte[] content = new byte[200_000];
    SeededRandom.of(2915).nextBytes(content);
    Files.write(file, content);
    TestProbe<SharesActor.AddResult> added = testKit.createTestProbe();
    shares.tell(new SharesActor.AddShare(file, false, 16384, added.ref()));
    ShareView share = assertInstanceOf(SharesActor.Added.class, added.receiveMessage(WAIT)).share();

    TestProbe<RecordLookupsActor.Command> dht = testKit.createTestProbe();
    TestProbe<StoreShareActor.Result> result = testKit.createTestProbe();
    testKit.spawn(StoreShareActor.create(shares, stores.net.circuits(0), dht.ref(), stores.net.id(0),
        Clock.systemUTC(), SeededRandom.of(1), WAIT)).tell(new StoreShareActor.Store(share.infoHash(),
            Redundancy.DEFAULT, 2, result.ref()));
    RecordLookupsActor.StoreRecord root = dht.expectMessageClass(RecordLookupsActor.StoreRecord.class, WAIT);
    root.replyTo().tell(new RecordPublication(3, 3, List.of(), null));
    StoreShareActor.Result answer = result.receiveMessage(WAIT);
    StoreShareActor.Stored stored = assertInstanceOf(StoreShareActor.Stored.class, answer, answer::toString);
    // 200 000 bytes of ciphertext (and its manifest) in 16 KiB pieces: 13 pieces, stripes of 4
    assertEquals(4, stored.stripes());
    assertEquals(3 * 6 + 1 + 2, stored.fragments());
    assertEquals(3, stored.dhtNodes());

    Path out = dir.resolve("restored.bin");
    TestProbe<StoredShareFetchActor.Result> fetched = testKit.createTestProbe();
    testKit.spawn(StoredShareFetchActor.create(stores.net.circuits(9), dht.ref(), new StoredShareFetchActor.Fetch(
        ShareSecret.of(ShareLink.parse(share.link())), 2, out, stores.net.id(9), stores.actors.get(9)), WAIT,
        fetched.ref()));
    RecordLookupsActor.LookupRecord lookup = dht.expectMessageClass(RecordLookupsActor.LookupRecord.class, WAIT);
    lookup.replyTo().tell(new RecordLookup(List.of(root.record()), List.of(), null));
    assertInstanceOf(StoredShareFetchActor.Restored.class, fetched.receiveMessage(WAIT));
    TestProbe<java.util.Optional<SharesActor.Servable>> servable = testKit.createTestProbe();
    shares.tell(new SharesActor.GetServable(share.infoHash(), servable.ref()));
    assertArrayEquals(Files.readAllBytes(servable.receiveMessage(WAIT).orElseThrow().dataFile()),
        Files.readAllBytes(out), "the share's ciphertext, byte for byte");

    testKit.spawn(StoreShareActor.create(shares, stores.net.circuits(0), dht.ref(), stores.net.id(0),
        Clock.systemUTC(), SeededRandom.of(2), WAIT)).tell(new StoreShareActor.Store("ab".repeat(32),
            Redundancy.DEFAULT, 2, result.ref()));
    assertEquals(404, assertInstanceOf(StoreShareActor.Refused.class, result.receiveMessage(WAIT)).status());
  }
}

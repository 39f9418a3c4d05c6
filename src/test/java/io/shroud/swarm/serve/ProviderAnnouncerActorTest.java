package io.shroud.swarm.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.dht.DhtActor;
import io.shroud.dht.PutRecordResult;
import io.shroud.dht.SignedRecord;
import io.shroud.identity.NodeId;
import io.shroud.swarm.transfer.ProviderKey;
import io.shroud.swarm.transfer.ProviderRecord;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Provider announcements: what goes into the DHT, when, and for which shares. */
class ProviderAnnouncerActorTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(10);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static ShareView share(String hex, boolean stale) {
    return new ShareView(hex, "shroud:?", "f", "/f", true, 10, 16384, 1, "2026-01-01T00:00:00Z",
        stale, stale ? "changed" : null, 1, null);
  }

  @Test
  void announcesEachServableShareOnceAndAgainAfterHalfItsValidity() throws Exception {
    Ed25519.KeyPair identity = Ed25519.generate(SeededRandom.of(1));
    NodeId self = NodeId.ofIdentityKey(identity.publicKey());
    MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));
    String a = "aa".repeat(32);
    String b = "bb".repeat(32);
    AtomicReference<List<ShareView>> list =
        new AtomicReference<>(List.of(share(a, false), share("cc".repeat(32), true)));
    var shares = testKit.spawn(Behaviors.<SharesActor.Command>receiveMessage(c -> {
      if (c instanceof SharesActor.ListShares l) {
        l.replyTo().tell(list.get());
      }
      return Behaviors.same();
    }));
    TestProbe<DhtActor.Command> dht = testKit.createTestProbe();
    Duration validity = Duration.ofHours(1);
    SwarmSettings settings = SwarmSettings.defaults().withAnnounceInterval(Duration.ofMillis(100), validity);
    testKit.spawn(ProviderAnnouncerActor.create(self, shares, dht.ref(), settings, clock, SeededRandom.of(2)));

    DhtActor.PutRecord put = assertInstanceOf(DhtActor.PutRecord.class, dht.receiveMessage(WAIT));
    byte[] infoHash = HexFormat.of().parseHex(a);
    assertArrayEquals(ProviderKey.of(infoHash).toBytes(), put.key(), "record lives under the provider key");
    assertEquals(validity, put.ttl());
    SignedRecord record = SignedRecord.sign(identity, ProviderKey.of(infoHash), 1, clock.instant().plus(validity),
        put.value());
    ProviderRecord opened = ProviderRecord.open(record, infoHash, clock);
    assertEquals(self, opened.nodeId());
    assertTrue(opened.hasAll());
    assertTrue(!HexFormat.of().formatHex(put.value()).contains(a), "the info-hash is not in clear");
    put.replyTo().tell(new PutRecordResult(HexFormat.of().formatHex(put.key()), 1, 3, 3, null));

    dht.expectNoMessage(Duration.ofMillis(400)); // several polls: nothing new, the stale share never
    list.set(List.of(share(a, false), share(b, false)));
    DhtActor.PutRecord second = assertInstanceOf(DhtActor.PutRecord.class, dht.receiveMessage(WAIT));
    assertArrayEquals(ProviderKey.of(HexFormat.of().parseHex(b)).toBytes(), second.key(), "a new share is announced");
    second.replyTo().tell(new PutRecordResult("", 1, 3, 3, null));
    dht.expectNoMessage(Duration.ofMillis(300));

    clock.advance(validity.dividedBy(2));
    DhtActor.PutRecord r1 = assertInstanceOf(DhtActor.PutRecord.class, dht.receiveMessage(WAIT));
    DhtActor.PutRecord r2 = assertInstanceOf(DhtActor.PutRecord.class, dht.receiveMessage(WAIT));
    assertEquals(Set.of(HexFormat.of().formatHex(ProviderKey.of(infoHash).toBytes()),
            HexFormat.of().formatHex(ProviderKey.of(HexFormat.of().parseHex(b)).toBytes())),
        Set.of(HexFormat.of().formatHex(r1.key()), HexFormat.of().formatHex(r2.key())), "both republished");
  }
}

package io.shroud.rendezvous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shroud.crypto.Ed25519;
import io.shroud.dht.SignedRecord;
import io.shroud.hidden.HsDescriptor;
import io.shroud.hidden.HsLocation;
import io.shroud.hidden.HsPeriod;
import io.shroud.hidden.ShareSecret;
import io.shroud.identity.NodeId;
import io.shroud.lookup.RecordLookup;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.testutil.SeededRandom;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class DescriptorLookupActorTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  /** 23:30 UTC: a downloader looks up this period and the next (§11.2). */
  static final Instant NOW = Instant.parse("2026-03-10T23:30:00Z");

  private final SecureRandom random = SeededRandom.of(2603);
  private final ShareSecret secret = ShareSecret.ofPublic(filled(32, 0x26));
  private final NodeId listed = NodeId.of(filled(32, 0x11));
  private final NodeId unlisted = NodeId.of(filled(32, 0x12));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static byte[] filled(int n, int b) {
    byte[] out = new byte[n];
    Arrays.fill(out, (byte) b);
    return out;
  }

  private HsDescriptor descriptor(NodeId relay) {
    return new HsDescriptor(7, filled(32, 0x33), List.of(new HsDescriptor.IntroPoint(relay, filled(32, 0x41),
        filled(32, 0x42), filled(32, 0x43))));
  }

  private SignedRecord record(Ed25519.KeyPair publisher, HsLocation at, byte[] value) {
    return SignedRecord.sign(publisher, NodeId.of(at.location()), 1, NOW.plusSeconds(3600), value);
  }

  /** A record-lookups stand-in: the records of {@code answers} for a key, or an error for any other. */
  private static Behavior<RecordLookupsActor.Command> lookups(Map<String, List<SignedRecord>> answers,
      List<String> asked) {
    return Behaviors.receiveMessage(command -> {
      RecordLookupsActor.LookupRecord lookup = (RecordLookupsActor.LookupRecord) command;
      String key = NodeId.of(lookup.key()).toHex();
      asked.add(key);
      List<SignedRecord> records = answers.get(key);
      lookup.replyTo().tell(records == null ? new RecordLookup(List.of(), List.of(), "no circuit: test")
          : new RecordLookup(records, List.of("a", "b", "c"), null));
      return Behaviors.same();
    });
  }

  @Test
  void everyLookupPeriodIsAskedAndOnlyTheDescriptorThatOpensIsKept() {
    long n = HsPeriod.of(NOW);
    HsLocation here = HsLocation.of(secret, n);
    HsLocation next = HsLocation.of(secret, n + 1);
    Ed25519.KeyPair good = Ed25519.generate(random);
    Ed25519.KeyPair forger = Ed25519.generate(random);
    Ed25519.KeyPair elsewhere = Ed25519.generate(random);
    List<SignedRecord> records = List.of(
        record(forger, here, descriptor(listed).seal(next, forger.publicKey(), random)), // sealed for n + 1: bad
        record(good, here, descriptor(listed).seal(here, good.publicKey(), random)),
        record(elsewhere, here, descriptor(unlisted).seal(here, elsewhere.publicKey(), random)));
    List<String> asked = new ArrayList<>();
    ActorRef<RecordLookupsActor.Command> stub = testKit.spawn(lookups(
        Map.of(NodeId.of(here.location()).toHex(), records), asked));
    TestProbe<DescriptorLookupActor.Found> probe = testKit.createTestProbe();

    testKit.spawn(DescriptorLookupActor.create(secret, List.of(listed), stub, 3, Clock.fixed(NOW, ZoneOffset.UTC),
        random, probe.ref()));
    DescriptorLookupActor.Found found = probe.receiveMessage();

    assertEquals(List.of(NodeId.of(here.location()).toHex(), NodeId.of(next.location()).toHex()), asked);
    assertEquals(1, found.seeders().size(), found::toString);
    assertArrayEquals(good.publicKey(), found.seeders().get(0).publisher());
    assertEquals(n, found.seeders().get(0).period());
    assertEquals(7, found.seeders().get(0).powEffort());
    assertEquals(List.of(listed), found.seeders().get(0).introRelays());
    assertEquals(3, found.records());
    assertEquals(1, found.bad());
    assertEquals(1, found.unlisted());
    assertEquals(List.of("period " + (n + 1) + ": no circuit: test"), found.errors());
  }
}

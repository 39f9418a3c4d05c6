package io.shroud.dht;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** 25 DHT nodes on in-memory links: publish, find, k-closest placement, crashes, republish. */
class DhtNetworkTest {
  static final ActorTestKit kit = ActorTestKit.create();
  static final int NODES = 25;
  static final int K = 20;

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T00:00:00Z"));

  private static NodeId key(String name) {
    return NodeId.ofIdentityKey(name.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aRecordPublishedByOneNodeIsFoundByAnother() {
    DhtTestNet net = DhtTestNet.start(kit, NODES, DhtTestNet.fastSettings(), clock, 1);
    DhtTestNet.Node publisher = net.nodes.get(0);
    NodeId key = key("found");
    // a reader that does not hold the record itself, so it must look it up
    DhtTestNet.Node reader = net.nodes.stream().filter(n -> !net.closest(key, K).contains(n))
        .reduce((first, second) -> second).orElseThrow();
    byte[] value = "hello shroud".getBytes(StandardCharsets.UTF_8);

    PutRecordResult put = net.put(publisher, key, value, Duration.ofHours(1));
    assertNull(put.error());
    assertEquals(key.toHex(), put.key());
    assertEquals(K, put.attempted());
    assertEquals(K, put.stored());

    RecordLookupView got = net.get(reader, key);
    assertTrue(got.found(), "record not found: " + got);
    assertArrayEquals(value, got.valueBytes());
    assertEquals(publisher.publisherHex(), got.publisher());
    assertEquals(put.seq(), got.seq());
    assertEquals(clock.instant().plus(Duration.ofHours(1)).toString(), got.expiry());
    assertTrue(got.rounds() >= 1 && got.queries() >= 1, "rounds and queries reported: " + got);

    RecordLookupView missing = net.get(reader, key("never published"));
    assertFalse(missing.found());
    assertTrue(missing.queries() >= K, "a miss asks at least the k closest: " + missing);
  }

  @Test
  void aRecordIsStoredOnExactlyTheKClosestNodes() {
    DhtTestNet net = DhtTestNet.start(kit, NODES, DhtTestNet.fastSettings(), clock, 2);
    NodeId key = key("placement");
    PutRecordResult put = net.put(net.nodes.get(3), key, new byte[] {1, 2, 3}, Duration.ofHours(2));
    assertEquals(K, put.stored());

    Set<NodeId> holders = net.nodes.stream().filter(n -> !net.stored(n, key).isEmpty())
        .map(DhtTestNet.Node::id).collect(Collectors.toSet());
    Set<NodeId> closest = net.closest(key, K).stream().map(DhtTestNet.Node::id)
        .collect(Collectors.toSet());
    assertEquals(closest, holders);
  }

  @Test
  void aRecordSurvivesTheCrashOfNodesHoldingIt() {
    DhtTestNet net = DhtTestNet.start(kit, NODES, DhtTestNet.fastSettings(), clock, 3);
    NodeId key = key("survivor");
    DhtTestNet.Node publisher = net.nodes.get(0);
    assertEquals(K, net.put(publisher, key, new byte[] {42}, Duration.ofHours(1)).stored());

    List<DhtTestNet.Node> closest = net.closest(key, K);
    Set<NodeId> crashed = new HashSet<>();
    for (DhtTestNet.Node n : closest.subList(0, 5)) {
      assertFalse(net.stored(n, key).isEmpty());
      net.links.crash(n.id());
      crashed.add(n.id());
    }
    DhtTestNet.Node reader = net.nodes.stream()
        .filter(n -> !crashed.contains(n.id()) && n != publisher).findFirst().orElseThrow();
    RecordLookupView got = net.get(reader, key);
    assertTrue(got.found(), "record lost after crashes: " + got);
    assertArrayEquals(new byte[] {42}, got.valueBytes());
  }

  @Test
  void aPublishedRecordIsReStoredBeforeItExpires() {
    DhtTestNet net = DhtTestNet.start(kit, NODES, DhtTestNet.fastSettings(), clock, 4);
    NodeId key = key("republished");
    Duration ttl = Duration.ofHours(1);
    PutRecordResult put = net.put(net.nodes.get(1), key, new byte[] {7}, ttl);
    assertEquals(K, put.stored());
    Instant firstExpiry = clock.instant().plus(ttl);

    clock.advance(Duration.ofMinutes(46)); // past 3/4 of the hour, before expiry
    for (DhtTestNet.Node holder : net.closest(key, K)) {
      kit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
        List<SignedRecord> held = net.stored(holder, key);
        assertEquals(1, held.size());
        assertTrue(held.get(0).seq() > put.seq(), "not republished yet at " + holder.id());
        assertTrue(held.get(0).expiry().isAfter(firstExpiry));
        return null;
      });
    }
  }

  @Test
  void aPutWithAnOversizedValueOrTooLongTtlIsRefused() {
    DhtTestNet net = DhtTestNet.start(kit, 2, DhtTestNet.fastSettings(), clock, 5);
    PutRecordResult big = net.put(net.nodes.get(0), key("big"), new byte[1025], Duration.ofHours(1));
    assertEquals(0, big.stored());
    assertTrue(big.error().contains("1024"), big.error());
    PutRecordResult tooLong = net.put(net.nodes.get(0), key("long"), new byte[1], Duration.ofHours(25));
    assertTrue(tooLong.error().contains("ttl"), tooLong.error());
  }

  @Test
  void aLoneNodeStoresItsOwnRecordAndAnswersFromItsStore() {
    DhtTestNet net = DhtTestNet.start(kit, 1, DhtTestNet.fastSettings(), clock, 6);
    NodeId key = key("alone");
    PutRecordResult put = net.put(net.nodes.get(0), key, new byte[] {5}, Duration.ofMinutes(10));
    assertEquals(1, put.attempted());
    assertEquals(1, put.stored());
    RecordLookupView got = net.get(net.nodes.get(0), key);
    assertTrue(got.found());
    assertEquals(0, got.rounds());
  }
}

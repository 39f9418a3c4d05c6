package io.shroud.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.link.InMemoryLinks;
import io.shroud.metrics.Metrics;
import io.shroud.node.DirectoryActor;
import io.shroud.testutil.MetricValues;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** One DHT node against scripted peers: STORE refusals, malformed input, query rate, ping-before-evict. */
class DhtPeerTest {
  static final ActorTestKit kit = ActorTestKit.create();
  static final AtomicLong seeds = new AtomicLong(100);

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T00:00:00Z"));
  private final InMemoryLinks links = new InMemoryLinks(kit);
  private final DhtTestNet net = new DhtTestNet(kit, links);
  private final TestProbe<FakePeer.Heard> heard = kit.createTestProbe();
  private final Ed25519.KeyPair publisherKey = Ed25519.generate(SeededRandom.of(7));

  private DhtTestNet.Node node() {
    return node(DhtTestNet.fastSettings());
  }

  private DhtTestNet.Node node(DhtSettings settings) {
    long seed = seeds.incrementAndGet();
    return net.spawn(Ed25519.generate(SeededRandom.of(seed)), settings, clock, seed);
  }

  private FakePeer peer(NodeId id, boolean answers) {
    return new FakePeer(kit, links, id, heard, answers);
  }

  private static NodeId randomId(long seed) {
    byte[] b = new byte[32];
    SeededRandom.of(seed).nextBytes(b);
    return NodeId.of(b);
  }

  /** A random id whose first bit differs from {@code self}'s: it lands in bucket 0. */
  private static NodeId farId(NodeId self, long seed) {
    byte[] b = randomId(seed).toBytes();
    b[0] = (byte) (self.bit(0) ? b[0] & 0x7f : b[0] | 0x80);
    return NodeId.of(b);
  }

  private DhtMessage expectFrom(NodeId peer, Class<? extends DhtMessage> type) {
    FakePeer.Heard h = heard.fishForMessage(Duration.ofSeconds(5), m ->
        m.peer().equals(peer) && type.isInstance(m.message())
            ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
    return h.message();
  }

  private DhtMessage.Stored store(FakePeer from, DhtTestNet.Node to, SignedRecord record, long tx) {
    from.send(to.id(), new DhtMessage.Store(tx, record));
    DhtMessage.Stored stored = (DhtMessage.Stored) expectFrom(from.id, DhtMessage.Stored.class);
    assertEquals(tx, stored.txId());
    return stored;
  }

  @Test
  void storesAreRefusedWithTheRightReasonCode() {
    DhtTestNet.Node target = node();
    FakePeer from = peer(randomId(1), false);
    NodeId key = randomId(2);
    Instant now = clock.instant();

    SignedRecord good = SignedRecord.sign(publisherKey, key, 5, now.plus(Duration.ofHours(1)), new byte[] {1});
    assertTrue(store(from, target, good, 1).isAccepted());

    byte[] sig = good.signature();
    sig[0] ^= 1;
    SignedRecord forged = new SignedRecord(key, good.publisher(), 6, good.expiry(), good.value(), sig);
    assertEquals(RecordRejection.BAD_SIGNATURE, store(from, target, forged, 2).refusal());

    SignedRecord farAhead = SignedRecord.sign(publisherKey, key, 7, now.plus(Duration.ofHours(25)), new byte[] {1});
    assertEquals(RecordRejection.EXPIRY_TOO_FAR, store(from, target, farAhead, 3).refusal());

    SignedRecord expired = SignedRecord.sign(publisherKey, key, 8, now.minusSeconds(1), new byte[] {1});
    assertEquals(RecordRejection.EXPIRED, store(from, target, expired, 4).refusal());

    SignedRecord older = SignedRecord.sign(publisherKey, key, 4, now.plus(Duration.ofHours(1)), new byte[] {2});
    assertEquals(RecordRejection.STALE_SEQ, store(from, target, older, 5).refusal());

    assertEquals(List.of(good), net.stored(target, key));
  }

  @Test
  void anOversizedValueIsAProtocolViolationThatGetsNoStoredAnswer() {
    DhtTestNet.Node target = node();
    FakePeer from = peer(randomId(3), false);
    SignedRecord max = SignedRecord.sign(publisherKey, randomId(4), 1,
        clock.instant().plus(Duration.ofHours(1)), new byte[SignedRecord.MAX_VALUE_BYTES]);
    byte[] message = DhtMessageCodec.encode(new DhtMessage.Store(9, max));
    // the same STORE with one value byte more (valueLength 1025), still inside one cell
    int valueLengthAt = DhtMessageCodec.HEADER_BYTES + 32 + 32 + 8 + 8;
    ByteBuffer b = ByteBuffer.allocate(2 + message.length + 1);
    b.putShort((short) (message.length + 1));
    b.put(message, 0, valueLengthAt).putShort((short) (SignedRecord.MAX_VALUE_BYTES + 1));
    b.put(message, valueLengthAt + 2, SignedRecord.MAX_VALUE_BYTES).put((byte) 0);
    b.put(message, valueLengthAt + 2 + SignedRecord.MAX_VALUE_BYTES, 64);
    from.sendRaw(target.id(), b.array());
    from.send(target.id(), new DhtMessage.Ping(10));

    FakePeer.Heard next = heard.receiveMessage(Duration.ofSeconds(5));
    assertInstanceOf(DhtMessage.Pong.class, next.message(), "no STORED for the oversized STORE");
    assertEquals(1, net.view(target.dht()).malformedMessages());
    assertTrue(net.stored(target, max.key()).isEmpty());
  }

  @Test
  void aNodeRefusesToStoreWhenItKnowsKNodesCloserToTheKey() {
    DhtTestNet.Node target = node();
    List<NodeDescriptor> far = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      NodeId id = farId(target.id(), 1000 + i);
      peer(id, true);
      far.add(DhtTestNet.descriptor(id, new byte[32], DhtTestNet.dataAddress(i)));
    }
    target.dht().tell(new DhtActor.DirectoryUpdated(new DirectoryView(far)));
    NodeId key = far.get(0).nodeId(); // every far peer is closer to it than the target is
    FakePeer from = peer(randomId(5), false);
    SignedRecord r = SignedRecord.sign(publisherKey, key, 1, clock.instant().plus(Duration.ofHours(1)), new byte[] {1});
    assertEquals(RecordRejection.NOT_RESPONSIBLE, store(from, target, r, 11).refusal());
  }

  @Test
  void malformedMessagesAreDroppedAndCountedAndTheNodeKeepsServing() {
    DhtTestNet.Node target = node();
    FakePeer from = peer(randomId(6), false);
    byte[] badLength = new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3};
    byte[] unknownType = ByteBuffer.allocate(11).putShort((short) 9).put((byte) 0x7f).array();
    byte[] dirtyPadding = DhtCellFraming.toCell(new DhtMessage.Ping(1)).payload();
    dirtyPadding[4000] = 1;
    from.sendRaw(target.id(), badLength);
    from.sendRaw(target.id(), unknownType);
    from.sendRaw(target.id(), dirtyPadding);
    from.send(target.id(), new DhtMessage.Ping(77));

    DhtMessage pong = expectFrom(from.id, DhtMessage.Pong.class);
    assertEquals(77, pong.txId());
    assertEquals(3, net.view(target.dht()).malformedMessages());
  }

  @Test
  void requestsBeyondAPeersQueryRateAreDroppedUnansweredAndCounted() {
    DhtTestNet.Node target = node(DhtTestNet.fastSettings().withQueryRate(3, 1.0));
    FakePeer flooder = peer(randomId(8), false);
    FakePeer other = peer(randomId(9), false);
    double dropped = MetricValues.value(Metrics.get(kit.system()), "shroud_dht_dropped_total{reason=\"rate_limited\"}");
    for (long tx = 1; tx <= 5; tx++) {
      flooder.send(target.id(), new DhtMessage.Ping(tx));
    }
    other.send(target.id(), new DhtMessage.Ping(100));
    List<Long> answered = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      answered.add(heard.receiveMessage(Duration.ofSeconds(5)).message().txId());
    }
    heard.expectNoMessage(Duration.ofMillis(200));
    assertEquals(List.of(1L, 2L, 3L, 100L), answered.stream().sorted().toList(),
        "the burst of 3 is answered, the other peer too, the flooder's 4th and 5th are not");
    assertEquals(2, net.view(target.dht()).rateLimitedQueries());
    assertEquals(dropped + 2,
        MetricValues.value(Metrics.get(kit.system()), "shroud_dht_dropped_total{reason=\"rate_limited\"}"));

    clock.advance(Duration.ofSeconds(1));
    flooder.send(target.id(), new DhtMessage.Ping(6));
    assertEquals(6, expectFrom(flooder.id, DhtMessage.Pong.class).txId(), "a token came back after a second");
  }

  /** A node whose bucket 0 holds 20 answering peers, all heard from by its join lookup. */
  private record FullBucket(DhtTestNet.Node node, List<NodeDescriptor> peers, NodeId leastRecentlySeen) {}

  private FullBucket fullBucket() {
    DhtTestNet.Node target = node();
    List<NodeDescriptor> peers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      NodeId id = farId(target.id(), 2000 + seeds.get() * 100 + i);
      peer(id, true);
      peers.add(DhtTestNet.descriptor(id, new byte[32], DhtTestNet.dataAddress(i)));
    }
    target.dht().tell(new DhtActor.DirectoryUpdated(new DirectoryView(peers)));
    TestProbe<Object> waiter = kit.createTestProbe();
    DhtView view = waiter.awaitAssert(Duration.ofSeconds(5), () -> {
      DhtView v = net.view(target.dht());
      assertEquals(20, v.bucket(0).size());
      assertTrue(v.bucket(0).stream().noneMatch(c -> c.lastSeen().equals(Instant.EPOCH.toString())),
          "join lookup still running");
      return v;
    });
    return new FullBucket(target, peers, NodeId.fromHex(view.bucket(0).get(0).nodeId()));
  }

  private NodeId addCandidate(FullBucket b) {
    NodeId candidate = farId(b.node().id(), 3000 + seeds.get());
    peer(candidate, true);
    List<NodeDescriptor> more = new ArrayList<>(b.peers());
    more.add(DhtTestNet.descriptor(candidate, new byte[32], DhtTestNet.dataAddress(20)));
    b.node().dht().tell(new DhtActor.DirectoryUpdated(new DirectoryView(more)));
    return candidate;
  }

  @Test
  void aFullBucketPingsItsLeastRecentlySeenContactWhichStaysWhenItAnswers() {
    FullBucket b = fullBucket();
    NodeId candidate = addCandidate(b);
    expectFrom(b.leastRecentlySeen(), DhtMessage.Ping.class);
    kit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      DhtView v = net.view(b.node().dht());
      List<String> ids = v.bucket(0).stream().map(DhtView.ContactView::nodeId).toList();
      assertEquals(b.leastRecentlySeen().toHex(), ids.get(ids.size() - 1), "moved to the MRS end");
      assertFalse(ids.contains(candidate.toHex()));
      assertEquals(1, v.buckets().get(0).replacements());
      return null;
    });
  }

  @Test
  void aFullBucketReplacesItsLeastRecentlySeenContactWhenItDoesNotAnswer() {
    FullBucket b = fullBucket();
    links.crash(b.leastRecentlySeen());
    NodeId candidate = addCandidate(b);
    kit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      List<String> ids = net.view(b.node().dht()).bucket(0).stream()
          .map(DhtView.ContactView::nodeId).toList();
      assertEquals(20, ids.size());
      assertTrue(ids.contains(candidate.toHex()), "candidate promoted");
      assertFalse(ids.contains(b.leastRecentlySeen().toHex()), "silent contact evicted");
      return null;
    });
  }

  @Test
  void anIdleBucketIsRefreshedWithALookupForAnIdInItsRange() {
    DhtSettings settings = DhtTestNet.fastSettings()
        .withMaintenance(Duration.ofMillis(100), Duration.ofMinutes(10));
    long seed = seeds.incrementAndGet();
    DhtTestNet.Node target = net.spawn(Ed25519.generate(SeededRandom.of(seed)), settings, clock, seed);
    List<NodeDescriptor> peers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      NodeId id = farId(target.id(), 4000 + i);
      peer(id, true);
      peers.add(DhtTestNet.descriptor(id, new byte[32], DhtTestNet.dataAddress(i)));
    }
    target.dht().tell(new DhtActor.DirectoryUpdated(new DirectoryView(peers)));
    // the join lookup targets the node's own id; wait until every peer has answered it
    DhtMessage.FindNode join = (DhtMessage.FindNode) expectFrom(peers.get(0).nodeId(), DhtMessage.FindNode.class);
    assertEquals(target.id(), join.target());
    kit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      assertTrue(net.view(target.dht()).bucket(0).stream()
          .noneMatch(c -> c.lastSeen().equals(Instant.EPOCH.toString())), "join lookup still running");
      return null;
    });

    clock.advance(Duration.ofMinutes(11));
    FakePeer.Heard refresh = heard.fishForMessage(Duration.ofSeconds(5), m ->
        m.message() instanceof DhtMessage.FindNode f && !f.target().equals(target.id())
            ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
    NodeId refreshTarget = ((DhtMessage.FindNode) refresh.message()).target();
    assertTrue(refreshTarget.bit(0) != target.id().bit(0) || net.view(target.dht()).buckets().size() == 1,
        "the refresh target lies in an idle bucket's range");
  }
}

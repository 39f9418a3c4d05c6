package io.shroud.dht;

import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import static io.shroud.dht.DhtFixtures.T0;
import static io.shroud.dht.DhtFixtures.contact;
import static io.shroud.dht.DhtFixtures.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
  private static final NodeId SELF = id(0x00);
  private final MutableClock clock = new MutableClock(T0);
  private final RoutingTable table =
      new RoutingTable(SELF, RoutingConfig.defaults(), clock, new SplittableRandom(1));

  /** Contact n of the far half (first bit 1, so 0 bits shared with SELF), own /24. */
  private static Contact far(int n) {
    return contact(id(0x80 | (n >>> 8), n & 0xff, 1), n);
  }

  /** Contact n sharing exactly {@code shared} leading bits with SELF (shared < 8), own /24. */
  private static Contact near(int shared, int n) {
    return contact(id(0x80 >>> shared, n, 2), 1000 + n);
  }

  private void fillFarBucketAndSplit() {
    for (int i = 0; i < 20; i++) {
      assertInstanceOf(AddResult.Added.class, table.add(far(i)));
    }
    assertEquals(1, table.buckets().size());
    assertInstanceOf(AddResult.Added.class, table.add(near(1, 0)));
    assertEquals(2, table.buckets().size(), "the full bucket holding the local id splits");
  }

  @Test
  void splitsOnlyTheBucketHoldingTheLocalId() {
    fillFarBucketAndSplit();
    BucketSnapshot b0 = table.buckets().get(0);
    assertEquals(20, b0.contacts().size());
    assertEquals(id(0x80), b0.rangeLow());
    assertEquals(NodeId.fromHex("ff".repeat(32)), b0.rangeHigh());
    assertEquals(id(0x00), table.buckets().get(1).rangeLow());
    assertEquals(NodeId.fromHex("7f" + "ff".repeat(31)), table.buckets().get(1).rangeHigh());

    // bucket 0 no longer holds the local id: a 21st far contact does not split it
    assertInstanceOf(AddResult.PingThenEvict.class, table.add(far(20)));
    assertEquals(2, table.buckets().size());
    assertEquals(21, table.size());

    // the local bucket keeps splitting as near contacts arrive
    for (int i = 1; i < 40; i++) {
      table.add(near(1, i));
    }
    assertEquals(20, table.buckets().get(1).contacts().size(), "bucket 1 holds 1-bit sharers");
    for (int i = 0; i < 20; i++) {
      table.add(near(2, i));
    }
    assertEquals(40 + 20, table.size());
    assertTrue(table.buckets().size() >= 3);
    for (BucketSnapshot b : table.buckets()) {
      for (Contact c : b.contacts()) {
        assertEquals(b.index(), table.bucketIndexOf(c.id()));
        assertTrue(b.rangeLow().compareTo(c.id()) <= 0 && c.id().compareTo(b.rangeHigh()) <= 0,
            c + " outside bucket " + b.index() + " range");
      }
    }
  }

  @Test
  void fullBucketAsksToPingLeastRecentlySeenInsteadOfEvicting() {
    fillFarBucketAndSplit();
    table.markSeen(far(0).id());
    // order is now far(1) .. far(19), far(0)
    AddResult r = table.add(far(20));
    AddResult.PingThenEvict ping = assertInstanceOf(AddResult.PingThenEvict.class, r);
    assertEquals(far(1).id(), ping.leastRecentlySeen().id());
    assertEquals(far(20), ping.candidate());
    assertFalse(table.get(far(20).id()).isPresent(), "candidate is not in the bucket yet");
    assertTrue(table.get(far(1).id()).isPresent(), "nobody is evicted on add");

    // while that ping is pending, newer candidates only wait in the replacement cache
    assertInstanceOf(AddResult.Cached.class, table.add(far(21)));
    assertEquals(List.of(far(21), far(20)), table.buckets().get(0).replacements());

    // the pinged contact answers: it stays and moves to the most-recently-seen end
    assertTrue(table.markSeen(far(1).id()));
    List<Contact> order = table.buckets().get(0).contacts();
    assertEquals(far(1).id(), order.get(order.size() - 1).id());
    assertEquals(far(2).id(), order.get(0).id());

    // next candidate: ping far(2); it does not answer, so it is replaced from the cache
    AddResult.PingThenEvict next =
        assertInstanceOf(AddResult.PingThenEvict.class, table.add(far(22)));
    assertEquals(far(2).id(), next.leastRecentlySeen().id());
    assertEquals(far(22), table.remove(far(2).id()).orElseThrow(), "newest replacement wins");
    assertFalse(table.get(far(2).id()).isPresent());
    assertEquals(20, table.buckets().get(0).contacts().size());
    assertEquals(List.of(far(21), far(20)), table.buckets().get(0).replacements());
  }

  @Test
  void unresolvedPingIsAskedAgainAfterThePingTimeout() {
    fillFarBucketAndSplit();
    assertInstanceOf(AddResult.PingThenEvict.class, table.add(far(20)));
    assertInstanceOf(AddResult.Cached.class, table.add(far(21)));
    clock.advance(RoutingConfig.DEFAULT_PING_TIMEOUT);
    assertInstanceOf(AddResult.PingThenEvict.class, table.add(far(22)));
  }

  @Test
  void repeatedFailuresEvictAndPromoteAReplacement() {
    fillFarBucketAndSplit();
    table.add(far(20));
    assertFalse(table.markFailed(far(5).id()), "one failure is tolerated");
    table.markSeen(far(5).id());
    assertFalse(table.markFailed(far(5).id()), "a success resets the count");
    assertTrue(table.markFailed(far(5).id()));
    assertFalse(table.get(far(5).id()).isPresent());
    assertTrue(table.get(far(20).id()).isPresent(), "the cached candidate took the slot");
  }

  @Test
  void replacementCacheIsBoundedAndNewestFirst() {
    fillFarBucketAndSplit();
    for (int i = 20; i < 40; i++) {
      table.add(far(i));
    }
    List<Contact> cache = table.buckets().get(0).replacements();
    assertEquals(RoutingConfig.DEFAULT_REPLACEMENT_CACHE_SIZE, cache.size());
    assertEquals(far(39), cache.get(0));
  }

  @Test
  void atMostTwoContactsFromOneSlash24PerBucket() {
    assertInstanceOf(AddResult.Added.class, table.add(contact(id(0x81), "127.1.0.1")));
    assertInstanceOf(AddResult.Added.class, table.add(contact(id(0x82), "127.1.0.2")));
    AddResult third = table.add(contact(id(0x83), "127.1.0.3"));
    assertEquals(AddResult.Reason.SUBNET_LIMIT,
        assertInstanceOf(AddResult.Rejected.class, third).reason());
    assertFalse(table.get(id(0x83)).isPresent());
    assertInstanceOf(AddResult.Added.class, table.add(contact(id(0x84), "127.2.0.1")));
    assertInstanceOf(AddResult.Added.class, table.add(contact(id(0x85), "127.3.0.1")));
    // a known contact refreshing from its own address is not counted against itself
    assertInstanceOf(AddResult.Updated.class, table.add(contact(id(0x81), "127.1.0.1")));
    // nor may a known contact move into a full /24
    assertInstanceOf(AddResult.Rejected.class, table.add(contact(id(0x84), "127.1.0.9")));
  }

  @Test
  void subnetLimitIsPerBucket() {
    fillFarBucketAndSplit();
    // bucket 0 is full of 10.x.y.1 addresses in distinct /24s; the local bucket is separate
    table.add(contact(id(0x41), "192.168.7.1"));
    table.add(contact(id(0x42), "192.168.7.2"));
    assertInstanceOf(AddResult.Rejected.class, table.add(contact(id(0x43), "192.168.7.3")));
    assertEquals(1, table.bucketIndexOf(id(0x41)));
  }

  @Test
  void ipv6CountsBySlash64() {
    assertInstanceOf(AddResult.Added.class, table.add(contact(id(0x81), "2001:db8::1")));
    assertInstanceOf(AddResult.Added.class, table.add(contact(id(0x82), "2001:db8::ffff:2")));
    assertInstanceOf(AddResult.Rejected.class, table.add(contact(id(0x83), "2001:db8::3")));
    assertInstanceOf(AddResult.Added.class, table.add(contact(id(0x84), "2001:db8:0:1::1")));
    assertEquals(new SubnetPrefix("20010db800000001::/64"), SubnetPrefix.of(DhtFixtures.ip("2001:db8:0:1::7")));
  }

  @Test
  void refusesItsOwnId() {
    AddResult r = table.add(contact(SELF, 1));
    assertEquals(AddResult.Reason.SELF, assertInstanceOf(AddResult.Rejected.class, r).reason());
    assertEquals(0, table.size());
  }

  @Test
  void knownContactMovesToTheTail() {
    table.add(far(0));
    table.add(far(1));
    Contact again = far(0).withLastSeen(T0.plusSeconds(5));
    assertInstanceOf(AddResult.Updated.class, table.add(again));
    List<Contact> order = table.buckets().get(0).contacts();
    assertEquals(List.of(far(1), again), order);
  }

  @Test
  void closestMatchesBruteForce() {
    Random rnd = new Random(7);
    List<Contact> added = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      byte[] b = new byte[32];
      rnd.nextBytes(b);
      Contact c = contact(NodeId.of(b), i);
      if (table.add(c) instanceof AddResult.Added) {
        added.add(c);
      }
    }
    assertEquals(added.size(), table.size());
    for (int t = 0; t < 50; t++) {
      byte[] b = new byte[32];
      rnd.nextBytes(b);
      NodeId target = NodeId.of(b);
      List<Contact> expected = new ArrayList<>(added);
      expected.sort(Comparator.comparing(Contact::id, target::compareDistance));
      assertEquals(expected.subList(0, 20), table.closest(target, 20));
    }
    assertEquals(table.size(), table.closest(SELF, 100_000).size());
  }

  @Test
  void idleBucketsAreDueForRefreshWithARandomIdInTheirRange() {
    fillFarBucketAndSplit();
    for (int i = 1; i < 20; i++) {
      table.add(near(1, i));
    }
    table.add(near(2, 0));
    table.add(near(3, 0));
    int buckets = table.buckets().size();
    assertTrue(buckets >= 3, "buckets: " + buckets);
    assertTrue(table.refreshTargets().isEmpty(), "nothing is idle yet");

    clock.advance(Duration.ofMinutes(10));
    table.markSeen(far(3).id()); // bucket 0 changes at minute 10
    clock.advance(Duration.ofMinutes(5));
    List<RefreshTarget> due = table.refreshTargets();
    assertEquals(buckets - 1, due.size());
    for (RefreshTarget t : due) {
      assertTrue(t.bucketIndex() != 0);
      assertEquals(t.bucketIndex(), table.bucketIndexOf(t.target()));
    }
    table.touchBucket(due.get(0).target());
    assertEquals(buckets - 2, table.refreshTargets().size());
    clock.advance(Duration.ofMinutes(15));
    assertEquals(buckets, table.refreshTargets().size());
  }

  @Test
  void randomIdsStayInsideTheirBucket() {
    fillFarBucketAndSplit();
    for (int i = 0; i < 5; i++) {
      table.add(near(1, 100 + i));
      table.add(near(4, i));
      table.add(near(6, i));
    }
    for (BucketSnapshot b : table.buckets()) {
      for (int n = 0; n < 200; n++) {
        NodeId r = table.randomIdInBucket(b.index());
        assertEquals(b.index(), table.bucketIndexOf(r));
        assertTrue(b.rangeLow().compareTo(r) <= 0 && r.compareTo(b.rangeHigh()) <= 0);
      }
    }
  }

  @Test
  void thisNodeIsAmongTheClosestToAKeyUntilKContactsAreCloser() {
    NodeId key = id(0x80);
    // SELF (0x00…) is at distance 0x80… from the key; contacts with the top bit set are closer
    assertTrue(table.isAmongClosest(key, 2), "an empty table: this node is among the closest");
    table.add(contact(id(0x81), 1));
    assertTrue(table.isAmongClosest(key, 2), "one closer contact, k = 2");
    table.add(contact(id(0x01), 2));
    assertTrue(table.isAmongClosest(key, 2), "the second contact is farther than this node");
    table.add(contact(id(0x82), 3));
    assertFalse(table.isAmongClosest(key, 2), "two contacts closer than this node, k = 2");
    assertTrue(table.isAmongClosest(key, 3));
  }
}

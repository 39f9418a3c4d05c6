package io.shroud.dht;

import static io.shroud.dht.DhtFixtures.T0;
import static io.shroud.dht.DhtFixtures.contact;
import static io.shroud.dht.DhtFixtures.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IterativeLookupTest {
  private static final NodeId TARGET = num(0);
  private static final NodeId SELF = num(1 << 30);

  private static Contact c(int distance) {
    return contact(num(distance), distance);
  }

  private static IterativeLookup findNode(int k, int alpha, Contact... seeds) {
    return new IterativeLookup(TARGET, IterativeLookup.Kind.FIND_NODE, SELF, List.of(seeds), k,
        alpha);
  }

  @Test
  void followsCloserContactsHopByHopAndCountsRounds() {
    IterativeLookup l = findNode(1, 3, c(1000));
    assertEquals(List.of(c(1000)), l.nextQueries());
    l.onResponse(c(1000), List.of(c(500)));
    assertEquals(List.of(c(500)), l.nextQueries());
    l.onResponse(c(500), List.of(c(20), c(900)));
    assertEquals(List.of(c(20)), l.nextQueries(), "only the k = 1 closest is worth asking");
    assertFalse(l.isFinished());
    l.onResponse(c(20), List.of(c(500)));
    assertTrue(l.isFinished());
    LookupResult r = l.result();
    assertEquals(List.of(c(20)), r.closest());
    assertEquals(3, r.rounds());
    assertEquals(3, r.queries());
    assertEquals(3, r.responses());
  }

  @Test
  void keepsAtMostAlphaInFlight() {
    IterativeLookup l = findNode(20, 3, c(10), c(20), c(30), c(40), c(50));
    assertEquals(List.of(c(10), c(20), c(30)), l.nextQueries());
    assertTrue(l.nextQueries().isEmpty());
    assertEquals(3, l.inFlight());
    l.onResponse(c(20), List.of());
    assertEquals(List.of(c(40)), l.nextQueries());
    assertEquals(3, l.inFlight());
  }

  @Test
  void waitsUntilTheKClosestHaveAnswered() {
    IterativeLookup l = findNode(2, 3, c(100), c(200));
    l.nextQueries();
    l.onResponse(c(200), List.of(c(5)));
    l.onResponse(c(100), List.of());
    assertFalse(l.isFinished(), "c(5) is closer and not yet asked");
    assertEquals(List.of(c(5)), l.nextQueries());
    l.onResponse(c(5), List.of());
    assertTrue(l.isFinished());
    assertEquals(List.of(c(5), c(100)), l.result().closest());
    assertEquals(2, l.result().rounds(), "c(5) came from a round-1 answer");
  }

  @Test
  void timeoutsAreSkippedAndNeverReported() {
    IterativeLookup l = findNode(2, 3, c(1), c(2), c(3));
    assertEquals(List.of(c(1), c(2)), l.nextQueries(), "c(3) is outside the k = 2 closest");
    l.onTimeout(c(1));
    l.onResponse(c(2), List.of(c(1)));
    assertFalse(l.isFinished());
    assertEquals(List.of(c(3)), l.nextQueries(), "c(3) moved into the 2 closest non-failed");
    l.onResponse(c(3), List.of());
    assertTrue(l.isFinished());
    assertTrue(l.nextQueries().isEmpty(), "a failed contact is not asked again");
    assertEquals(List.of(c(2), c(3)), l.result().closest());
    assertEquals(1, l.result().timeouts());
  }

  @Test
  void ignoresUnsolicitedAndLateAnswersAndItsOwnId() {
    IterativeLookup l = findNode(2, 3, c(7));
    l.onResponse(c(3), List.of(c(1)));
    assertEquals(List.of(c(7)), l.nextQueries(), "the unsolicited answer taught nothing");
    l.onResponse(c(7), List.of(contact(SELF, 99)));
    assertTrue(l.isFinished(), "own id is never a candidate");
    l.onResponse(c(7), List.of(c(1)));
    assertEquals(List.of(c(7)), l.result().closest());
  }

  @Test
  void noSeedsMeansFinishedAtOnce() {
    IterativeLookup l = findNode(20, 3);
    assertTrue(l.isFinished());
    assertTrue(l.nextQueries().isEmpty());
    assertEquals(0, l.result().rounds());
  }

  @Test
  void findValueStopsAtTheFirstMatchingRecord() {
    Ed25519.KeyPair kp = Ed25519.generate(new SecureRandom());
    SignedRecord wrongKey = SignedRecord.sign(kp, num(99), 1, T0.plusSeconds(60), new byte[] {1});
    SignedRecord right = SignedRecord.sign(kp, TARGET, 1, T0.plusSeconds(60), new byte[] {2});
    IterativeLookup l = new IterativeLookup(TARGET, IterativeLookup.Kind.FIND_VALUE, SELF,
        List.of(c(10), c(20)), 20, 3);
    l.nextQueries();
    l.onValue(c(20), List.of(wrongKey), List.of(c(5)));
    assertFalse(l.isFinished(), "a record for another key is not the value");
    l.onValue(c(10), List.of(right, wrongKey), List.of());
    assertTrue(l.isFinished());
    assertEquals(List.of(right), l.result().records());
    assertTrue(l.result().valueFound());
  }

  @Test
  void findsTheClosestNodesInASmallNetworkEvenWithDeadNodes() {
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    InMemoryNetwork net = new InMemoryNetwork(RoutingConfig.defaults(), clock,
        new SplittableRandom(3));
    Random rnd = new Random(3);
    List<NodeId> ids = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      byte[] b = new byte[32];
      rnd.nextBytes(b);
      ids.add(NodeId.of(b));
      net.addNode(contact(ids.get(i), i));
    }
    // each node knows 8 random others; then everyone looks itself up
    for (NodeId id : ids) {
      for (int j = 0; j < 8; j++) {
        net.learn(id, net.contacts.get(ids.get(rnd.nextInt(ids.size()))));
      }
    }
    ids.forEach(id -> net.lookup(id, id, IterativeLookup.Kind.FIND_NODE));
    for (int i = 0; i < 30; i++) {
      net.down.add(ids.get(rnd.nextInt(ids.size())));
    }
    for (int t = 0; t < 50; t++) {
      byte[] b = new byte[32];
      rnd.nextBytes(b);
      NodeId target = NodeId.of(b);
      NodeId origin = ids.get(rnd.nextInt(ids.size()));
      if (net.down.contains(origin)) {
        continue;
      }
      List<NodeId> live = new ArrayList<>(ids);
      live.removeAll(net.down);
      live.remove(origin);
      live.sort(Comparator.comparing(id -> id, target::compareDistance));
      LookupResult r = net.lookup(origin, target, IterativeLookup.Kind.FIND_NODE);
      List<NodeId> found = r.closest().stream().map(Contact::id).toList();
      assertEquals(live.subList(0, 20), found, "lookup " + t);
    }
  }

  @Test
  void findValueInASmallNetworkReturnsTheStoredRecord() {
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    InMemoryNetwork net = new InMemoryNetwork(RoutingConfig.defaults(), clock,
        new SplittableRandom(4));
    Random rnd = new Random(4);
    List<NodeId> ids = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      byte[] b = new byte[32];
      rnd.nextBytes(b);
      ids.add(NodeId.of(b));
      net.addNode(contact(ids.get(i), i));
      if (i > 0) {
        net.learn(ids.get(i), net.contacts.get(ids.get(rnd.nextInt(i))));
        net.lookup(ids.get(i), ids.get(i), IterativeLookup.Kind.FIND_NODE);
      }
    }
    NodeId key = num(12345);
    SignedRecord rec = SignedRecord.sign(Ed25519.generate(new SecureRandom()), key, 1,
        T0.plusSeconds(3600), new byte[] {9});
    LookupResult store = net.lookup(ids.get(0), key, IterativeLookup.Kind.FIND_NODE);
    store.closest().forEach(c -> net.values.put(c.id(), Map.of(key, List.of(rec))));
    LookupResult get = net.lookup(ids.get(199), key, IterativeLookup.Kind.FIND_VALUE);
    assertEquals(List.of(rec), get.records());
  }
}

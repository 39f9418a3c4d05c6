package io.shroud.dht;

import static io.shroud.dht.DhtFixtures.T0;
import static io.shroud.dht.DhtFixtures.contact;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.identity.NodeId;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * 10,000 in-memory nodes running the real {@link RoutingTable} and {@link IterativeLookup}
 * (no sockets, seeded randomness). Bootstrap: nodes join one at a time; each new node knows
 * {@value #BOOTSTRAP_CONTACTS} random nodes that joined before it and looks up its own id
 * through them. As in a live network, every queried node learns the joiner and the joiner
 * learns every responder; full buckets ping their least-recently-seen contact, which answers.
 * Then {@value #LOOKUPS} FIND_NODE lookups for random keys from random nodes must find the
 * true closest node (brute force over all ids, origin excluded) in at least 99% of cases.
 * Finally a tenth of the nodes go down silently and {@value #CHURN_LOOKUPS} more lookups must
 * still find the closest live node in at least 99% of cases.
 */
class DhtSimulationTest {
  static final int NODES = 10_000;
  static final int BOOTSTRAP_CONTACTS = 3;
  static final int LOOKUPS = 500;
  static final int CHURN_LOOKUPS = 200;

  @Test
  void tenThousandNodesFindTheClosestNode() {
    long start = System.nanoTime();
    SplittableRandom rnd = new SplittableRandom(2026);
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    InMemoryNetwork net = new InMemoryNetwork(RoutingConfig.defaults(), clock, rnd.split());
    NodeId[] ids = new NodeId[NODES];
    for (int i = 0; i < NODES; i++) {
      ids[i] = randomId(rnd);
      net.addNode(contact(ids[i], i));
      for (int j = 0; i > 0 && j < BOOTSTRAP_CONTACTS; j++) {
        net.learn(ids[i], net.contacts.get(ids[rnd.nextInt(i)]));
      }
      if (i > 0) {
        net.lookup(ids[i], ids[i], IterativeLookup.Kind.FIND_NODE);
      }
    }
    long bootstrapped = System.nanoTime();
    long bootstrapMessages = net.messages;
    net.messages = 0;

    int found = 0;
    int[] rounds = new int[LOOKUPS];
    int[] queries = new int[LOOKUPS];
    long kClosestFound = 0;
    for (int t = 0; t < LOOKUPS; t++) {
      NodeId target = randomId(rnd);
      NodeId origin = ids[rnd.nextInt(NODES)];
      List<NodeId> truth = trueClosest(ids, origin, target, RoutingConfig.K);
      LookupResult r = net.lookup(origin, target, IterativeLookup.Kind.FIND_NODE);
      if (!r.closest().isEmpty() && r.closest().get(0).id().equals(truth.get(0))) {
        found++;
      }
      for (Contact c : r.closest()) {
        if (truth.contains(c.id())) {
          kClosestFound++;
        }
      }
      rounds[t] = r.rounds();
      queries[t] = r.queries();
    }
    long end = System.nanoTime();
    Arrays.sort(rounds);
    Arrays.sort(queries);
    double rate = 100.0 * found / LOOKUPS;
    int tableSizes = net.tables.values().stream().mapToInt(RoutingTable::size).sum();
    System.out.printf(
        "DHT simulation: %d nodes, %d lookups: closest node found %.1f%%, k-closest recall %.1f%%,"
            + " rounds median %d p95 %d max %d, queries median %d p95 %d;"
            + " mean table size %.0f; bootstrap %.1f s (%d queries), lookups %.1f s%n",
        NODES, LOOKUPS, rate, 100.0 * kClosestFound / (LOOKUPS * (long) RoutingConfig.K),
        rounds[LOOKUPS / 2], rounds[LOOKUPS * 95 / 100], rounds[LOOKUPS - 1],
        queries[LOOKUPS / 2], queries[LOOKUPS * 95 / 100], (double) tableSizes / NODES,
        (bootstrapped - start) / 1e9, bootstrapMessages, (end - bootstrapped) / 1e9);
    assertTrue(found >= LOOKUPS * 99 / 100, "closest node found in only " + rate + "% of lookups");

    // churn: a tenth of the nodes vanish without notice; lookups must route around them
    List<NodeId> live = new ArrayList<>(Arrays.asList(ids));
    for (int i = 0; i < NODES / 10; i++) {
      net.down.add(live.remove(rnd.nextInt(live.size())));
    }
    NodeId[] liveIds = live.toArray(NodeId[]::new);
    int foundLive = 0;
    int timeouts = 0;
    for (int t = 0; t < CHURN_LOOKUPS; t++) {
      NodeId target = randomId(rnd);
      NodeId origin = liveIds[rnd.nextInt(liveIds.length)];
      LookupResult r = net.lookup(origin, target, IterativeLookup.Kind.FIND_NODE);
      timeouts += r.timeouts();
      if (!r.closest().isEmpty()
          && r.closest().get(0).id().equals(trueClosest(liveIds, origin, target, 1).get(0))) {
        foundLive++;
      }
    }
    System.out.printf("DHT simulation with %d of %d nodes down: closest live node found %.1f%%"
            + " of %d lookups, %.1f timeouts per lookup%n", NODES / 10, NODES,
        100.0 * foundLive / CHURN_LOOKUPS, CHURN_LOOKUPS, (double) timeouts / CHURN_LOOKUPS);
    assertTrue(foundLive >= CHURN_LOOKUPS * 99 / 100,
        "with churn, closest live node found in only " + foundLive + " of " + CHURN_LOOKUPS);
  }

  private static NodeId randomId(SplittableRandom rnd) {
    byte[] b = new byte[NodeId.BYTES];
    rnd.nextBytes(b);
    return NodeId.of(b);
  }

  private static List<NodeId> trueClosest(NodeId[] ids, NodeId origin, NodeId target, int n) {
    List<NodeId> all = new ArrayList<>(Arrays.asList(ids));
    all.remove(origin);
    all.sort(target::compareDistance);
    return all.subList(0, n);
  }
}

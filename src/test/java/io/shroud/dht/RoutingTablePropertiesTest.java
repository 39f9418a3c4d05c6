package io.shroud.dht;

import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import static io.shroud.dht.DhtFixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of add / markSeen / markFailed / remove / time passing keep the routing
 * table's invariants: no bucket over k, every contact in the bucket its id belongs to, no id
 * twice, at most two per /24 per bucket, caches bounded, and the local id never stored.
 */
class RoutingTablePropertiesTest {
  private static final NodeId SELF = DhtFixtures.id(0x5a, 0x5a);

  record Op(int kind, int node) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 9),
        Arbitraries.integers().between(0, 399)).as(Op::new);
    return op.list().ofMinSize(50).ofMaxSize(600);
  }

  /** Node n: a pseudo-random id (some near SELF) in one of 40 /24s. */
  private static Contact node(int n) {
    SplittableRandom r = new SplittableRandom(n);
    byte[] id = new byte[NodeId.BYTES];
    r.nextBytes(id);
    if (n % 3 == 0) {
      id[0] = 0x5a;
      id[1] = (byte) (0x5a ^ (1 << (n % 8)));
    }
    try {
      InetAddress a = InetAddress.getByAddress(new byte[] {10, 0, (byte) (n % 40), (byte) n});
      return new Contact(NodeId.of(id), a, 4000, T0);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Property(tries = 200)
  void invariantsHold(@ForAll("ops") List<Op> ops) {
    MutableClock clock = new MutableClock(T0);
    RoutingTable t = new RoutingTable(SELF, RoutingConfig.defaults(), clock, new SplittableRandom(9));
    for (Op op : ops) {
      Contact c = node(op.node());
      switch (op.kind()) {
        case 0, 1, 2, 3, 4 -> t.add(c);
        case 5 -> t.markSeen(c.id());
        case 6 -> t.markFailed(c.id());
        case 7 -> t.remove(c.id());
        case 8 -> clock.advance(Duration.ofSeconds(op.node()));
        default -> t.add(new Contact(SELF, c.address(), 1, T0));
      }
    }
    Set<NodeId> seen = new HashSet<>();
    int total = 0;
    for (BucketSnapshot b : t.buckets()) {
      assertTrue(b.contacts().size() <= RoutingConfig.K);
      assertTrue(b.replacements().size() <= RoutingConfig.DEFAULT_REPLACEMENT_CACHE_SIZE);
      Map<SubnetPrefix, Integer> perSubnet = new HashMap<>();
      for (Contact c : b.contacts()) {
        assertTrue(seen.add(c.id()), "duplicate " + c);
        assertEquals(b.index(), t.bucketIndexOf(c.id()));
        assertTrue(!c.id().equals(SELF));
        perSubnet.merge(c.subnet(), 1, Integer::sum);
      }
      perSubnet.values().forEach(n -> assertTrue(n <= RoutingConfig.DEFAULT_MAX_PER_SUBNET));
      total += b.contacts().size();
    }
    assertEquals(total, t.size());
  }
}

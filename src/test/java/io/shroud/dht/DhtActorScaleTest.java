package io.shroud.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * 100 DHT actors on in-memory links: 20 records published from random nodes, each read back
 * from a random node that does not hold it. Every read must find the right value; the figures (rounds,
 * queries, wall time) are printed for docs/benchmarks.md.
 */
class DhtActorScaleTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @Test
  void everyRecordPublishedInAHundredNodeNetworkIsFound() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-24T00:00:00Z"));
    long t0 = System.nanoTime();
    DhtTestNet net = DhtTestNet.start(kit, 100, DhtTestNet.fastSettings(), clock, 9);
    // the first publish (cold JIT) is reported apart
    long c0 = System.nanoTime();
    NodeId warmKey = NodeId.ofIdentityKey("warm-up".getBytes(StandardCharsets.UTF_8));
    assertTrue(net.put(net.nodes.get(0), warmKey, new byte[] {1}, Duration.ofHours(1)).stored() > 0);
    long coldPutMillis = (System.nanoTime() - c0) / 1_000_000;
    long started = System.nanoTime();
    Random random = new Random(9);
    List<Integer> rounds = new ArrayList<>();
    List<Integer> queries = new ArrayList<>();
    List<Long> putMicros = new ArrayList<>();
    List<Long> getMicros = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      NodeId key = NodeId.ofIdentityKey(("scale-" + i).getBytes(StandardCharsets.UTF_8));
      byte[] value = ("value " + i).getBytes(StandardCharsets.UTF_8);
      DhtTestNet.Node writer = net.nodes.get(random.nextInt(100));
      DhtTestNet.Node reader = net.nodes.get(random.nextInt(100));
      while (net.closest(key, 20).contains(reader)) { // readers that hold it answer locally
        reader = net.nodes.get(random.nextInt(100));
      }
      long a = System.nanoTime();
      PutRecordResult put = net.put(writer, key, value, Duration.ofHours(1));
      long b = System.nanoTime();
      RecordLookupView got = net.get(reader, key);
      long c = System.nanoTime();
      assertEquals(20, put.stored(), "stored on k nodes");
      assertTrue(got.found() && new String(got.valueBytes(), StandardCharsets.UTF_8).equals("value " + i),
          "record " + i + " found: " + got);
      rounds.add(got.rounds());
      queries.add(got.queries());
      putMicros.add((b - a) / 1000);
      getMicros.add((c - b) / 1000);
    }
    Collections.sort(rounds);
    Collections.sort(queries);
    Collections.sort(putMicros);
    Collections.sort(getMicros);
    System.out.printf("DHT-FIGURES nodes=100 start+seed=%d ms, cold first put %d ms, 20 put+get=%d ms; get rounds median %d max %d;"
            + " get queries median %d max %d; put median %.1f ms max %.1f ms; get median %.1f ms max %.1f ms%n",
        (c0 - t0) / 1_000_000, coldPutMillis, (System.nanoTime() - started) / 1_000_000,
        rounds.get(10), rounds.get(19), queries.get(10), queries.get(19),
        putMicros.get(10) / 1000.0, putMicros.get(19) / 1000.0,
        getMicros.get(10) / 1000.0, getMicros.get(19) / 1000.0);
  }
}

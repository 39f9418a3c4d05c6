package io.shroud.dht;

import static io.shroud.testutil.MetricValues.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.identity.NodeId;
import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import io.shroud.testutil.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** DHT lookups in the node's metrics, by outcome, with their rounds; all nodes share one system's metrics. */
class DhtMetricsTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T00:00:00Z"));
  private final NodeMetrics metrics = Metrics.get(kit.system());

  private static NodeId key(String name) {
    return NodeId.ofIdentityKey(name.getBytes(StandardCharsets.UTF_8));
  }

  private double lookups(String outcome) {
    return value(metrics, "shroud_dht_lookups_total{outcome=\"" + outcome + "\"}");
  }

  @Test
  void lookupsAreCountedByOutcomeAndTheirRoundsObserved() {
    DhtTestNet net = DhtTestNet.start(kit, 25, DhtTestNet.fastSettings(), clock, 21);
    NodeId key = key("counted");
    DhtTestNet.Node reader = net.nodes.stream().filter(n -> !net.closest(key, 20).contains(n))
        .reduce((first, second) -> second).orElseThrow();
    double nodes = lookups("nodes_found");
    double found = lookups("value_found");
    double notFound = lookups("value_not_found");
    double rounds = value(metrics, "shroud_dht_lookup_rounds_count");
    double roundsSum = value(metrics, "shroud_dht_lookup_rounds_sum");

    assertNull(net.put(net.nodes.get(0), key, new byte[] {1}, Duration.ofHours(1)).error());
    assertTrue(lookups("nodes_found") > nodes, "the put looked up the closest nodes");
    assertTrue(net.get(reader, key).found());
    assertEquals(found + 1, lookups("value_found"));
    assertFalse(net.get(reader, key("never published")).found());
    assertEquals(notFound + 1, lookups("value_not_found"));
    assertTrue(value(metrics, "shroud_dht_lookup_rounds_count") >= rounds + 3);
    assertTrue(value(metrics, "shroud_dht_lookup_rounds_sum") >= roundsSum + 3, "every lookup took a round");
  }

  @Test
  void aRecordTheNodeHoldsIsALocalLookupOfZeroRounds() {
    DhtTestNet net = DhtTestNet.start(kit, 1, DhtTestNet.fastSettings(), clock, 22);
    NodeId key = key("held");
    net.put(net.nodes.get(0), key, new byte[] {5}, Duration.ofMinutes(10));
    double local = lookups("local");
    double zero = value(metrics, "shroud_dht_lookup_rounds_bucket{le=\"0.0\"}");
    assertTrue(net.get(net.nodes.get(0), key).found());
    assertEquals(local + 1, lookups("local"));
    assertEquals(zero + 1, value(metrics, "shroud_dht_lookup_rounds_bucket{le=\"0.0\"}"));
  }
}

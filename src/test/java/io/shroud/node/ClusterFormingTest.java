package io.shroud.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.shroud.node.ClusterForming.Role;
import io.shroud.node.ShroudSettings.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterFormingTest {
  static final HostPort ONE = new HostPort("127.1.0.1", 25520);
  static final HostPort TWO = new HostPort("127.2.0.1", 25520);
  static final HostPort THREE = new HostPort("127.3.0.1", 25520);
  static final HostPort FOUR = new HostPort("127.4.0.1", 25520);
  static final List<HostPort> SEEDS = List.of(ONE, TWO, THREE);

  @Test
  void noSeedsOrOnlyItselfIsANetworkOfOne() {
    assertEquals(new ClusterForming(Role.ALONE, List.of(ONE)), ClusterForming.of(ONE, List.of()));
    assertEquals(new ClusterForming(Role.ALONE, List.of(ONE)), ClusterForming.of(ONE, List.of(ONE)));
  }

  @Test
  void everyRelayWithTheSameListHasOneRole() {
    assertEquals(Role.FIRST_SEED, ClusterForming.of(ONE, SEEDS).role());
    assertEquals(Role.SEED, ClusterForming.of(TWO, SEEDS).role());
    assertEquals(Role.SEED, ClusterForming.of(THREE, SEEDS).role());
    assertEquals(Role.RELAY, ClusterForming.of(FOUR, SEEDS).role());
    for (HostPort self : List.of(ONE, TWO, THREE, FOUR)) {
      assertEquals(SEEDS, ClusterForming.of(self, SEEDS).seeds(), "the same ordered list for " + self);
    }
    // another port on the same host is another node
    assertEquals(Role.RELAY, ClusterForming.of(new HostPort("127.1.0.1", 25521), SEEDS).role());
  }

  /** What Pekko gets: the first seed never forms a cluster on a timeout; the others keep Pekko's retry interval. */
  @Test
  void onlyTheFirstSeedWaitsForEveryOtherSeedsAnswer() {
    List<String> seeds = List.of("127.1.0.1:25520", "127.2.0.1:25520", "127.3.0.1:25520");
    Config first = NodeConfig.load(Map.of("shroud.host", "127.1.0.1", "shroud.seed-nodes", seeds), Optional.empty());
    assertEquals(ClusterForming.NEVER, first.getDuration("pekko.cluster.seed-node-timeout"));
    assertEquals(List.of("pekko://shroud@127.1.0.1:25520", "pekko://shroud@127.2.0.1:25520",
        "pekko://shroud@127.3.0.1:25520"), first.getStringList("pekko.cluster.seed-nodes"));
    for (String host : List.of("127.2.0.1", "127.4.0.1")) {
      Config other = NodeConfig.load(Map.of("shroud.host", host, "shroud.seed-nodes", seeds), Optional.empty());
      assertEquals(Duration.ofSeconds(5), other.getDuration("pekko.cluster.seed-node-timeout"), host);
      assertEquals(first.getStringList("pekko.cluster.seed-nodes"), other.getStringList("pekko.cluster.seed-nodes"));
    }
    Config alone = NodeConfig.load(Map.of("shroud.host", "127.1.0.1"), Optional.empty());
    assertEquals(List.of("pekko://shroud@127.1.0.1:25520"), alone.getStringList("pekko.cluster.seed-nodes"));
  }

  @Test
  void aSeedNamedByAHostNameOrListedTwiceIsRefused() {
    SettingsException named = assertThrows(SettingsException.class, () -> NodeConfig.load(
        Map.of("shroud.seed-nodes", List.of("relay1.example.org:25520")), Optional.empty()));
    assertEquals("shroud.seed-nodes: a seed's host must be the IP address it sets as its shroud.host, "
        + "got \"relay1.example.org:25520\"", named.getMessage());
    SettingsException twice = assertThrows(SettingsException.class, () -> NodeConfig.load(
        Map.of("shroud.seed-nodes", List.of("127.1.0.1:25520", "127.2.0.1:25520", "127.1.0.1:25520")),
        Optional.empty()));
    assertTrue(twice.getMessage().startsWith("shroud.seed-nodes: lists a seed twice"), twice.getMessage());
  }

  @Test
  void theStartLineSaysWhatTheNodeWillDo() {
    assertTrue(ClusterForming.of(ONE, SEEDS).describe().contains("never on a timeout"));
    assertTrue(ClusterForming.of(TWO, SEEDS).describe().contains("never forms one itself"));
    assertTrue(ClusterForming.of(ONE, List.of()).describe().contains("network of one"));
    assertTrue(ClusterForming.of(FOUR, SEEDS).describe().contains("not a seed"));
  }
}

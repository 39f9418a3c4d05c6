package io.shroud.it;

import static io.shroud.it.LocalNetwork.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.shroud.cli.LocalNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three real node processes form a cluster and a verified directory; one is killed with
 * {@code kill -9} and downed by the other two; it restarts on the same data directory and
 * rejoins with the same node id and onion key. The steps share one network and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  static LocalNetwork network;
  static String node3Id;
  static String node3OnionKey;

  @RegisterExtension
  static NodeLogsOnFailure logs = new NodeLogsOnFailure(() -> network);

  @BeforeAll
  static void start() {
    network = new LocalNetwork("cluster", 3);
    network.startAll(Duration.ofSeconds(90));
  }

  @AfterAll
  static void stop() {
    if (network != null) {
      network.close();
    }
  }

  @Test
  @Order(1)
  void threeNodesSeeThreeMembersUpAndThreeVerifiedDescriptors() {
    for (LocalNode n : network.nodes()) {
      awaitView(n, 3);
    }
    JsonNode node3 = json(network.node(3), "/shroud/v1/node");
    node3Id = node3.path("nodeId").asText();
    node3OnionKey = descriptorOf(network.node(1), node3Id).path("onionKey").asText();
    assertEquals(64, node3OnionKey.length());
    // every node publishes the same three identities
    Set<String> ids = descriptorIds(network.node(1));
    for (LocalNode n : network.nodes()) {
      assertEquals(ids, descriptorIds(n));
      assertEquals(true, ids.contains(json(n, "/shroud/v1/node").path("nodeId").asText()));
    }
  }

  @Test
  @Order(2)
  void aKilledNodeIsDownedByTheOtherTwo() {
    network.node(3).kill();
    awaitView(network.node(1), 2);
    awaitView(network.node(2), 2);
    assertEquals(false, descriptorIds(network.node(1)).contains(node3Id));
  }

  @Test
  @Order(3)
  void theRestartedNodeRejoinsWithTheSameIdentityAndOnionKeys() {
    network.node(3).start();
    network.awaitReady(network.node(3), Duration.ofSeconds(90));
    for (LocalNode n : network.nodes()) {
      awaitView(n, 3);
    }
    assertEquals(node3Id, json(network.node(3), "/shroud/v1/node").path("nodeId").asText());
    for (LocalNode n : network.nodes()) {
      JsonNode d = descriptorOf(n, node3Id);
      assertEquals(node3OnionKey, d.path("onionKey").asText(), "node 3's onion key as node " + n.index() + " sees it");
      assertEquals(network.node(3).clusterAddress(), d.path("clusterAddress").asText());
    }
  }

  /** Waits until {@code n}'s cluster route shows {@code size} members Up and its directory {@code size} descriptors. */
  private static void awaitView(LocalNode n, int size) {
    await("node " + n.index() + " sees " + size + " members Up and " + size + " descriptors")
        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> membersUp(n) == size
            && json(n, "/cluster/members").path("members").size() == size
            && json(n, "/shroud/v1/directory").path("size").asInt() == size);
  }

  private static int membersUp(LocalNode n) {
    int up = 0;
    for (JsonNode m : json(n, "/cluster/members").path("members")) {
      if ("Up".equals(m.path("status").asText())) {
        up++;
      }
    }
    return up;
  }

  private static Set<String> descriptorIds(LocalNode n) {
    Set<String> ids = new TreeSet<>();
    json(n, "/shroud/v1/directory").path("descriptors").forEach(d -> ids.add(d.path("nodeId").asText()));
    return ids;
  }

  private static JsonNode descriptorOf(LocalNode n, String nodeId) {
    List<JsonNode> found = new ArrayList<>();
    json(n, "/shroud/v1/directory").path("descriptors").forEach(d -> {
      if (d.path("nodeId").asText().equals(nodeId)) {
        found.add(d);
      }
    });
    assertEquals(1, found.size(), "node " + n.index() + " has one descriptor for " + nodeId);
    return found.get(0);
  }
}

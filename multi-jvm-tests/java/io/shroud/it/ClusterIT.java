package io.shroud.it;

import static io.shroud.it.LocalNetwork.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
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
 * rejoins with the same node id and onion key; a consensus signed by the authorities (nodes 1-3)
 * reaches every node and circuits follow it. The steps share one network and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  static LocalNetwork network;
  static String node3Id;
  static String node3OnionKey;

  @RegisterExtension
  static NodeLogsOnFailure logs = new NodeLogsOnFailure(() -> network);

  @BeforeAll
  static void start() {
    // a consensus every 10 s rather than LocalAdmission's 30 s: step 4 waits for one period at most
    network = new LocalNetwork("cluster", 3, List.of("-Dshroud.consensus.fresh-for=10s"));
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

  /**
   * Nodes 1-3 are the network's authorities (LocalAdmission): they probe each other, vote and
   * sign. A consensus signed by at least 2 of the 3 appears on every node, lists every relay, and
   * circuits built from then on go through listed relays only, hop 1 flagged Guard.
   */
  @Test
  @Order(4)
  void aConsensusSignedByTwoOfThreeAuthoritiesListsEveryRelayAndCircuitsUseItsGuards() throws Exception {
    Set<String> ids = descriptorIds(network.node(1));
    assertEquals(3, ids.size());
    for (LocalNode n : network.nodes()) {
      await("node " + n.index() + " holds a consensus of 2 or 3 signatures listing all 3 relays")
          .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
          .until(() -> {
            JsonNode c = json(n, "/shroud/v1/consensus");
            Set<String> listed = new TreeSet<>();
            c.path("relays").forEach(r -> listed.add(r.path("nodeId").asText()));
            return c.path("signedBy").size() >= 2 && listed.equals(ids);
          });
    }
    for (LocalNode n : network.nodes()) {
      JsonNode consensus = json(n, "/shroud/v1/consensus");
      Set<String> guards = new TreeSet<>();
      consensus.path("relays").forEach(r -> r.path("flags").forEach(f -> {
        if (f.asText().equals("Guard")) {
          guards.add(r.path("nodeId").asText());
        }
      }));
      HttpResponse<String> rsp = HTTP.send(n.request("POST", "/shroud/v1/circuits", "{\"hops\":2,\"echoBytes\":1024}")
          .timeout(Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(201, rsp.statusCode(), "node " + n.index() + ": " + rsp.body());
      List<String> path = new ArrayList<>();
      JSON.readTree(rsp.body()).path("path").forEach(p -> path.add(p.asText()));
      assertEquals(2, path.size(), rsp.body());
      assertTrue(ids.containsAll(path), "node " + n.index() + "'s path " + path + " uses listed relays only");
      assertTrue(guards.contains(path.get(0)), "node " + n.index() + "'s first hop " + path.get(0)
          + " is a Guard of " + guards);
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

package io.shroud.it;

import static io.shroud.it.LocalNetwork.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.cli.LocalNode;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * AdmissionIT's cluster checks (once ClusterIT's, on a network of its own): the three relays
 * agree on three verified descriptors and keep their node ids and onion keys across a
 * {@code kill -9}; a consensus signed by the authorities (relays 1-3) reaches every relay, and
 * circuits follow it.
 */
final class ClusterSteps {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private ClusterSteps() {}

  /** Every relay sees {@code size} members Up and {@code size} verified descriptors, the same ones. */
  static void everyRelaySeesTheSameDirectory(LocalNetwork network, int size) {
    for (LocalNode n : network.nodes()) {
      await("node " + n.index() + " sees " + size + " members Up and " + size + " descriptors")
          .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .until(() -> membersUp(n) == size && json(n, "/cluster/members").path("members").size() == size
              && json(n, "/shroud/v1/directory").path("size").asInt() == size);
    }
    Set<String> ids = descriptorIds(network.node(1));
    for (LocalNode n : network.nodes()) {
      assertEquals(ids, descriptorIds(n));
      assertTrue(ids.contains(json(n, "/shroud/v1/node").path("nodeId").asText()));
    }
  }

  /** Each relay's node id and onion key as relay 1's directory shows them. */
  static Map<String, String> onionKeysById(LocalNetwork network) {
    Map<String, String> keys = new HashMap<>();
    json(network.node(1), "/shroud/v1/directory").path("descriptors")
        .forEach(d -> keys.put(d.path("nodeId").asText(), d.path("onionKey").asText()));
    keys.values().forEach(k -> assertEquals(64, k.length()));
    return keys;
  }

  /**
   * A consensus signed by at least 2 of the 3 authorities appears on every relay and lists every
   * relay, and circuits built from then on go through listed relays only, hop 1 flagged Guard.
   */
  static void consensusListsEveryRelayAndCircuitsUseItsGuards(LocalNetwork network) throws Exception {
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

  private static int membersUp(LocalNode n) {
    int up = 0;
    for (JsonNode m : json(n, "/cluster/members").path("members")) {
      if ("Up".equals(m.path("status").asText())) {
        up++;
      }
    }
    return up;
  }

  static Set<String> descriptorIds(LocalNode n) {
    Set<String> ids = new TreeSet<>();
    json(n, "/shroud/v1/directory").path("descriptors").forEach(d -> ids.add(d.path("nodeId").asText()));
    return ids;
  }
}

package io.shroud.it;

import static io.shroud.it.LocalNetwork.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.cli.LocalNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Five real node processes on 127.1.0.1 … 127.5.0.1 talking over Noise peer links: a 3-hop
 * onion circuit from node 1 to node 5 carrying 1 MiB, what each node's circuit view may show,
 * and what happens when the middle relay is killed. The steps share one network, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnionNetworkIT {
  static LocalNetwork network;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();
  static final Map<String, LocalNode> byId = new HashMap<>();
  static List<String> path;

  @RegisterExtension
  static NodeLogsOnFailure logs = new NodeLogsOnFailure(() -> network);

  @BeforeAll
  static void start() {
    network = new LocalNetwork("onion", 5);
    network.startAll(Duration.ofSeconds(120));
    for (LocalNode n : network.nodes()) {
      byId.put(json(n, "/shroud/v1/node").path("nodeId").asText(), n);
    }
    for (LocalNode n : network.nodes()) {
      await("node " + n.index() + " has 5 verified descriptors").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .until(() -> json(n, "/shroud/v1/directory").path("size").asInt() == 5);
    }
  }

  @AfterAll
  static void stop() {
    if (network != null) {
      network.close();
    }
  }

  static String idOf(LocalNode n) {
    return json(n, "/shroud/v1/node").path("nodeId").asText();
  }

  static JsonNode post(LocalNode n, String path, String body) throws Exception {
    HttpResponse<String> rsp = HTTP.send(n.request("POST", path, body).timeout(Duration.ofMinutes(2)).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode json = JSON.readTree(rsp.body());
    assertEquals(201, rsp.statusCode(), rsp.body());
    return json;
  }

  static JsonNode relays(LocalNode n) {
    return json(n, "/shroud/v1/circuits").path("relays");
  }

  @Test
  @Order(1)
  void aThreeHopCircuitCarriesOneMebibyteAndEachNodeSeesOnlyItsNeighbours() throws Exception {
    LocalNode origin = network.node(1);
    LocalNode destination = network.node(5);
    String originId = idOf(origin);
    String destinationId = idOf(destination);
    JsonNode built = post(origin, "/shroud/v1/circuits",
        "{\"destination\":\"" + destinationId + "\",\"hops\":3,\"echoBytes\":1048576}");
    assertTrue(built.path("ok").asBoolean(), built.toString());
    assertEquals(1048576, built.path("echoBytes").asInt());
    path = new ArrayList<>();
    built.path("path").forEach(p -> path.add(p.asText()));
    assertEquals(3, path.size());
    assertEquals(destinationId, path.get(2));
    assertEquals(3, path.stream().distinct().count());
    assertTrue(!path.contains(originId));
    LocalNode guard = byId.get(path.get(0));
    LocalNode middle = byId.get(path.get(1));

    // only the origin knows the path
    JsonNode mine = json(origin, "/shroud/v1/circuits").path("circuits");
    assertEquals(1, mine.size());
    assertEquals(path.toString(), jsonList(mine.get(0).path("path")).toString());
    for (LocalNode n : List.of(guard, middle, destination)) {
      assertEquals(0, json(n, "/shroud/v1/circuits").path("circuits").size(), "node " + n.index() + " built nothing");
    }
    // the guard knows node 1 and the middle
    assertHop(guard, originId, path.get(1));
    // the middle knows the guard and node 5
    assertHop(middle, path.get(0), destinationId);
    // node 5 knows only the middle
    assertHop(destination, path.get(1), null);
    // the bystander relays nothing
    for (LocalNode n : network.nodes()) {
      if (n != origin && n != guard && n != middle && n != destination) {
        assertEquals(0, relays(n).size());
      }
    }
    // the links carried cells
    JsonNode peers = json(origin, "/shroud/v1/peers").path("peers");
    assertTrue(peers.size() >= 1);
    for (JsonNode p : peers) {
      assertTrue(p.path("cellsOut").asLong() > 0 && p.path("cellsIn").asLong() > 0, p.toString());
      assertEquals("Noise_XK_25519_AESGCM_SHA256", p.path("suite").asText());
    }
  }

  @Test
  @Order(2)
  void killingTheMiddleDestroysTheCircuitAtBothEndsAndANewOneCanBeBuilt() throws Exception {
    LocalNode origin = network.node(1);
    LocalNode destination = network.node(5);
    LocalNode middle = byId.get(path.get(1));
    middle.kill();
    await("both ends see the circuit destroyed").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
        .until(() -> json(origin, "/shroud/v1/circuits").path("circuits").size() == 0
            && relays(destination).size() == 0);
    JsonNode rebuilt = post(origin, "/shroud/v1/circuits",
        "{\"destination\":\"" + path.get(2) + "\",\"hops\":3,\"echoBytes\":65536}");
    assertTrue(rebuilt.path("ok").asBoolean(), rebuilt.toString());
    assertNotEquals(path.get(1), rebuilt.path("path").get(1).asText(), "the dead middle is not used again");
    // the cluster downs the dead node and every directory drops it
    for (LocalNode n : network.nodes()) {
      if (n.isRunning()) {
        await("node " + n.index() + " drops the dead middle").atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
            .until(() -> !json(n, "/shroud/v1/directory").toString().contains(path.get(1)));
      }
    }
  }

  @Test
  @Order(3)
  void aRecordStoredFromNodeOneIsFoundFromNodeFiveAndSurvivesTheLossOfAHolder() throws Exception {
    LocalNode one = network.node(1);
    LocalNode five = network.node(5);
    String key = "5e".repeat(32);
    HttpResponse<String> put = HTTP.send(one.request("PUT", "/shroud/v1/dht/records/" + key,
        "{\"value\":\"hello from node 1\",\"ttlSeconds\":600}").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, put.statusCode(), put.body());
    assertTrue(JSON.readTree(put.body()).path("stored").asInt() >= 2, put.body());

    JsonNode found = json(five, "/shroud/v1/dht/records/" + key + "?via=direct");
    assertEquals("hello from node 1", found.path("value").asText());
    // the publisher is node 1's Ed25519 identity key, as its descriptor states it
    String oneId = idOf(one);
    String oneIdentityKey = null;
    for (JsonNode d : json(five, "/shroud/v1/directory").path("descriptors")) {
      if (d.path("nodeId").asText().equals(oneId)) {
        oneIdentityKey = d.path("identityKey").asText();
      }
    }
    assertEquals(oneIdentityKey, found.path("publisher").asText());
    assertTrue(found.has("rounds") && found.has("expiry"), found.toString());

    // the same lookup through a 3-hop circuit: node 5's last hop runs it, node 5 never queries the DHT itself
    JsonNode viaCircuit = json(five, "/shroud/v1/dht/records/" + key + "?via=circuit&hops=3");
    assertEquals("circuit", viaCircuit.path("via").asText());
    assertEquals(3, viaCircuit.path("path").size(), viaCircuit.toString());
    assertEquals("hello from node 1", viaCircuit.path("records").get(0).path("value").asText());
    assertEquals(oneIdentityKey, viaCircuit.path("records").get(0).path("publisher").asText());

    // every live node's routing table knows the others (seeded from the directory)
    JsonNode table = json(five, "/shroud/v1/dht");
    assertTrue(table.path("contacts").asInt() >= 2, table.toString());

    // kill a node that holds the record (k = 20 > network size: every node holds it)
    LocalNode victim = network.nodes().stream()
        .filter(n -> n != one && n != five && n.isRunning()).findFirst().orElseThrow();
    victim.kill();
    JsonNode again = json(five, "/shroud/v1/dht/records/" + key + "?via=direct");
    assertEquals("hello from node 1", again.path("value").asText());
    LocalNode other = network.nodes().stream()
        .filter(n -> n != one && n != five && n.isRunning()).findFirst().orElseThrow();
    assertEquals("hello from node 1", json(other, "/shroud/v1/dht/records/" + key + "?via=direct").path("value").asText());
  }

  @Test
  @Order(4)
  void badRecordKeysAreRefusedWithAMessage() throws Exception {
    LocalNode one = network.node(1);
    HttpResponse<String> shortKey = HTTP.send(one.request("GET", "/shroud/v1/dht/records/abc", null).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, shortKey.statusCode());
    assertTrue(shortKey.body().contains("64 hex characters, got 3"), shortKey.body());
    HttpResponse<String> notHex = HTTP.send(one.request("GET", "/shroud/v1/dht/records/" + "zz".repeat(32), null).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, notHex.statusCode());
    assertTrue(notHex.body().contains("not hex"), notHex.body());
    HttpResponse<String> big = HTTP.send(one.request("PUT", "/shroud/v1/dht/records/" + "01".repeat(32),
        "{\"value\":\"" + "x".repeat(1025) + "\"}").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(400, big.statusCode());
    assertTrue(big.body().contains("too large"), big.body());
  }

  private static void assertHop(LocalNode n, String previous, String next) {
    JsonNode relays = relays(n);
    assertEquals(1, relays.size(), "node " + n.index() + " relays one hop: " + relays);
    JsonNode hop = relays.get(0);
    assertEquals(previous, hop.path("previousNode").asText());
    if (next == null) {
      assertTrue(hop.path("nextNode").isNull(), hop.toString());
    } else {
      assertEquals(next, hop.path("nextNode").asText());
    }
    // nothing in a relay's view names the origin unless it is the direct neighbour
    String text = relays.toString();
    for (String id : byId.keySet()) {
      if (!id.equals(previous) && !id.equals(next)) {
        assertTrue(!text.contains(id), "node " + n.index() + " view names a node that is not its neighbour");
      }
    }
  }

  private static List<String> jsonList(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(a -> out.add(a.asText()));
    return out;
  }
}

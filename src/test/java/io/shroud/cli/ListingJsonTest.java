package io.shroud.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code --json} on the listings other than downloads (DownloadCommandsTest has that one). */
class ListingJsonTest {
  static final String HASH = "12a8".repeat(16);
  static final String SHARES = """
      {"shares":[{"infoHash":"%s","link":null,"name":"secret.bin","path":"/data/secret.bin","encrypted":true,
        "length":300000,"pieceLength":16384,"pieces":19,"addedAt":"2026-11-24T06:21:38.982Z","stale":false,
        "staleReason":null}]}""".formatted(HASH);
  static final String LINK = "magnet:?xt=urn:btmh:1220" + HASH + "&x.k=secret";

  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void sharesJsonIsTheNodesJsonWithoutLinks() throws Exception {
    try (FakeNode node = new FakeNode().answer("GET", "/shroud/v1/shares", 200, SHARES)) {
      FakeNode.Result r = node.run("shares", "--json");
      assertEquals(0, r.code(), r.err());
      assertEquals(mapper.readTree(SHARES), mapper.readTree(r.out()));
      assertEquals(1, node.requests.size(), "a listing asks no link: " + node.requests);
    }
  }

  @Test
  void sharesJsonWithLinksFillsInEachLink() throws Exception {
    try (FakeNode node = new FakeNode().answer("GET", "/shroud/v1/shares", 200, SHARES)
        .answer("GET", "/shroud/v1/shares/" + HASH + "/link", 200, "{\"infoHash\":\"" + HASH + "\",\"link\":\"" + LINK + "\"}")) {
      FakeNode.Result r = node.run("shares", "--json", "--links");
      assertEquals(0, r.code(), r.err());
      var share = mapper.readTree(r.out()).path("shares").get(0);
      assertEquals(LINK, share.path("link").asText());
      assertEquals("secret.bin", share.path("name").asText());
    }
  }

  @Test
  void statusJsonIsTheNodesJson() throws Exception {
    String body = """
        {"nodeId":"1a6a","version":"0.1.0-SNAPSHOT","protocolVersion":2,"clusterAddress":"127.1.0.1:25520",
         "dataAddress":"127.1.0.1:7400","managementAddress":"127.1.0.1:8558","journal":"h2",
         "startedAt":"2026-11-24T05:55:50.209Z","uptimeSeconds":15,"selfStatus":"Up","membersUp":1,
         "members":[{"address":"127.1.0.1:25520","status":"Up","reachable":true}],"directorySize":3}""";
    try (FakeNode node = new FakeNode().answer("GET", "/shroud/v1/node", 200, body)) {
      FakeNode.Result r = node.run("status", "--json");
      assertEquals(0, r.code(), r.err());
      assertEquals(mapper.readTree(body), mapper.readTree(r.out()));
      FakeNode.Result table = node.run("status");
      assertTrue(table.out().contains("directory   3 verified descriptors"), table.out());
    }
  }
}

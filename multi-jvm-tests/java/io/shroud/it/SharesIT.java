package io.shroud.it;

import static io.shroud.it.LocalNetwork.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.cli.LocalNode;
import io.shroud.content.ShareLink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shares through a real node's HTTP API: made, listed, refused with 4xx for bad input, and
 * still listed with the same links after the node is killed with {@code kill -9} and restarted.
 */
class SharesIT {
  static LocalNetwork network;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static NodeLogsOnFailure logs = new NodeLogsOnFailure(() -> network);

  @BeforeAll
  static void start() {
    network = new LocalNetwork("shares", 1);
    network.startAll(Duration.ofSeconds(90));
  }

  @AfterAll
  static void stop() {
    if (network != null) {
      network.close();
    }
  }

  static HttpResponse<String> send(LocalNode n, String method, String path, String body) throws Exception {
    return HTTP.send(n.request(method, path, body).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void sharesSurviveKillNineWithTheSameLinks() throws Exception {
    LocalNode node = network.node(1);
    Path files = network.baseDir().resolve("files");
    Files.createDirectories(files);
    Path secret = files.resolve("secret.bin");
    Path open = files.resolve("open.bin");
    byte[] bytes = new byte[300_000];
    new Random(1).nextBytes(bytes);
    Files.write(secret, bytes);
    Files.write(open, bytes);

    HttpResponse<String> created = send(node, "POST", "/shroud/v1/shares", "{\"path\":\"" + secret + "\"}");
    assertEquals(201, created.statusCode(), created.body());
    JsonNode encrypted = JSON.readTree(created.body());
    assertTrue(encrypted.path("encrypted").asBoolean());
    assertTrue(ShareLink.parse(encrypted.path("link").asText()).encrypted());

    HttpResponse<String> createdPublic = send(node, "POST", "/shroud/v1/shares", "{\"path\":\"" + open + "\",\"public\":true}");
    assertEquals(201, createdPublic.statusCode(), createdPublic.body());
    JsonNode pub = JSON.readTree(createdPublic.body());

    // the .torrent of the public share is a bencoded dict whose info-hash is the share's
    HttpResponse<byte[]> torrent = HTTP.send(node.request("GET",
        "/shroud/v1/shares/" + pub.path("infoHash").asText() + "/torrent", null).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, torrent.statusCode());
    assertEquals('d', torrent.body()[0]);

    // the listing never shows a link (an encrypted share's carries its key); the link route does
    JsonNode listed = json(node, "/shroud/v1/shares");
    assertTrue(!listed.toString().contains("x.k="), listed.toString());
    java.util.Map<String, String> links = links(node);
    assertEquals(encrypted.path("link").asText(), links.get(encrypted.path("infoHash").asText()));
    assertEquals(pub.path("link").asText(), links.get(pub.path("infoHash").asText()));

    node.kill();
    node.start();
    network.awaitReady(node, Duration.ofSeconds(90));

    for (JsonNode s : json(node, "/shroud/v1/shares").path("shares")) {
      assertEquals(false, s.path("stale").asBoolean(), s.toString());
    }
    assertEquals(links, links(node), "every share listed again, with the same link");
  }

  /** info-hash → link of every listed share, each asked of the link route. */
  private static java.util.Map<String, String> links(LocalNode node) {
    java.util.Map<String, String> links = new java.util.TreeMap<>();
    for (JsonNode s : json(node, "/shroud/v1/shares").path("shares")) {
      String infoHash = s.path("infoHash").asText();
      links.put(infoHash, json(node, "/shroud/v1/shares/" + infoHash + "/link").path("link").asText());
    }
    return links;
  }

  @Test
  void badRequestsGetFourHundredsWithAMessage() throws Exception {
    LocalNode node = network.node(1);
    Path dir = network.baseDir().resolve("a-directory");
    Files.createDirectories(dir);
    Path dup = network.baseDir().resolve("dup.txt");
    Files.writeString(dup, "twice");

    assertError(send(node, "POST", "/shroud/v1/shares", "{\"path\":\"" + network.baseDir().resolve("no-such-file") + "\"}"),
        400, "no such file");
    assertError(send(node, "POST", "/shroud/v1/shares", "{\"path\":\"/no/such/file\"}"), 403, "outside shroud.management.share-roots");
    assertError(send(node, "POST", "/shroud/v1/shares", "{\"path\":\"" + node.dataDir().resolve("keys/identity.key") + "\"}"),
        403, "data directory");
    HttpResponse<String> noToken = HTTP.send(HttpRequest.newBuilder(URI.create(node.managementUrl() + "/shroud/v1/shares")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(401, noToken.statusCode(), noToken.body());
    assertError(send(node, "POST", "/shroud/v1/shares", "{\"path\":\"" + dir + "\"}"), 400, "the folder holds no file");
    assertError(send(node, "POST", "/shroud/v1/shares", "not json"), 400, "not JSON");
    assertError(send(node, "POST", "/shroud/v1/shares", "{\"file\":\"x\"}"), 400, "\"path\"");
    assertEquals(201, send(node, "POST", "/shroud/v1/shares", "{\"path\":\"" + dup + "\",\"public\":true}").statusCode());
    assertError(send(node, "POST", "/shroud/v1/shares", "{\"path\":\"" + dup + "\",\"public\":true}"), 409, "already shared");
    assertError(send(node, "DELETE", "/shroud/v1/shares/xyz", null), 400, "64 lower-case hex");
    assertError(send(node, "DELETE", "/shroud/v1/shares/" + "0".repeat(64), null), 404, "no share");
    assertError(send(node, "GET", "/shroud/v1/nothing-here", null), 404, "no such route");
  }

  private static void assertError(HttpResponse<String> rsp, int status, String part) throws Exception {
    assertEquals(status, rsp.statusCode(), rsp.body());
    JsonNode body = JSON.readTree(rsp.body());
    assertEquals(status, body.path("status").asInt());
    assertTrue(body.path("error").asText().contains(part), body.path("error").asText());
  }
}

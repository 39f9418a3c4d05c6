package io.shroud.it;

import static io.shroud.it.LocalNetwork.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.cli.LocalNode;
import io.shroud.node.FeatureSettings;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The mission end to end on seven real node processes: nodes 2 and 3 share the same 64 MiB
 * file; node 7 fetches it through 3-hop circuits from both; every byte checks out. Then the
 * downloader is killed halfway and resumes, a provider is killed halfway and the other one
 * finishes the job, and a provider that corrupts blocks is caught and dropped. A small public
 * file comes first as a bare magnet, then as libtorrent's own magnet and .torrent, and a public
 * folder is fetched file by file ({@link FolderSteps}). Nodes that
 * only relayed or stored DHT records never see the info-hash.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmIT {
  static final int SIZE = 64 * 1024 * 1024;
  static LocalNetwork network;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();
  static Path file;
  static String sha256;
  static String link;
  static String infoHash;

  @RegisterExtension
  static NodeLogsOnFailure logs = new NodeLogsOnFailure(() -> network);

  static LocalNode downloader() {
    return network.node(7);
  }

  @BeforeAll
  static void start() throws Exception {
    // hidden seeding (the default): every source is a hidden seeder reached by rendezvous
    network = new LocalNetwork("swarm", 7, List.of("-Dshroud.swarm.announce-interval=3s"));
    network.startAll(Duration.ofSeconds(180));
    for (LocalNode n : network.nodes()) {
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .until(() -> json(n, "/shroud/v1/directory").path("size").asInt() == 7);
    }
    file = network.baseDir().resolve("movie.bin");
    byte[] chunk = new byte[1 << 20];
    Random random = new Random(64);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (var out = Files.newOutputStream(file)) {
      for (int i = 0; i < SIZE / chunk.length; i++) {
        random.nextBytes(chunk);
        sha.update(chunk);
        out.write(chunk);
      }
    }
    sha256 = HexFormat.of().formatHex(sha.digest());
    // a public share: both providers compute the same BEP 52 info-hash for the same file
    for (int provider : List.of(2, 3)) {
      HttpResponse<String> rsp = send(network.node(provider), "POST", "/shroud/v1/shares",
          "{\"path\":\"" + file + "\",\"public\":true}");
      assertEquals(201, rsp.statusCode(), rsp.body());
      JsonNode share = JSON.readTree(rsp.body());
      link = share.path("link").asText();
      infoHash = share.path("infoHash").asText();
    }
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

  static String startDownload(String output) throws Exception {
    HttpResponse<String> rsp = send(downloader(), "POST", "/shroud/v1/downloads",
        "{\"link\":\"" + link + "\",\"output\":\"" + output + "\",\"hops\":3}");
    assertEquals(201, rsp.statusCode(), rsp.body());
    return JSON.readTree(rsp.body()).path("id").asText();
  }

  static JsonNode download(String id) {
    return json(downloader(), "/shroud/v1/downloads/" + id);
  }

  static JsonNode awaitState(String id, String state, Duration timeout) {
    AtomicReference<JsonNode> last = new AtomicReference<>();
    await("download " + id + " " + state).atMost(timeout).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> {
          last.set(download(id));
          if (last.get().path("state").asText().equals("FAILED")) {
            throw new AssertionError("download failed: " + last.get());
          }
          return last.get().path("state").asText().equals(state);
        });
    return last.get();
  }

  static JsonNode awaitProgress(String id, double fraction) {
    AtomicReference<JsonNode> last = new AtomicReference<>();
    await("download " + id + " at " + fraction).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptions().until(() -> {
          last.set(download(id));
          return last.get().path("piecesDone").asDouble() >= fraction * last.get().path("piecesTotal").asDouble()
              && last.get().path("piecesTotal").asInt() > 0;
        });
    return last.get();
  }

  /** The node's {@code GET /metrics} (with its token), parsed by the Prometheus client's own parser. */
  static PrometheusParser.Scrape metrics(LocalNode n) throws Exception {
    HttpResponse<String> rsp = scrape(n);
    assertEquals("text/plain; version=0.0.4; charset=utf-8", rsp.headers().firstValue("Content-Type").orElse(""));
    return PrometheusParser.parse(rsp.body());
  }

  static HttpResponse<String> scrape(LocalNode n) {
    HttpResponse<String> rsp = n.get("/metrics")
        .orElseThrow(() -> new AssertionError("node " + n.index() + " unreachable for /metrics"));
    assertEquals(200, rsp.statusCode(), rsp.body());
    return rsp;
  }

  static String sha256Of(Path p) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 20];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** The small public file nodes 2 and 3 share for the bare-magnet and libtorrent cases. */
  record SmallShare(Path file, byte[] bytes, String infoHash, int pieceLength) {
    String sha256() throws Exception {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
  }

  private static SmallShare small;

  /** Shares the small file on nodes 2 and 3 the first time a case needs it. */
  static synchronized SmallShare smallShare() throws Exception {
    if (small == null) {
      Path path = network.baseDir().resolve("small.bin");
      byte[] bytes = new byte[3 * 1024 * 1024 + 17];
      new Random(7).nextBytes(bytes);
      Files.write(path, bytes);
      JsonNode share = null;
      for (int provider : List.of(2, 3)) {
        HttpResponse<String> rsp = send(network.node(provider), "POST", "/shroud/v1/shares",
            "{\"path\":\"" + path + "\",\"public\":true}");
        assertEquals(201, rsp.statusCode(), rsp.body());
        share = JSON.readTree(rsp.body());
      }
      small = new SmallShare(path, bytes, share.path("infoHash").asText(), share.path("pieceLength").asInt());
    }
    return small;
  }

  /**
   * A magnet as another client writes it (info-hash, dn, tr; no x.pl/x.len/x.root): the
   * downloader fetches the info dictionary from the providers, checks it against the info-hash,
   * then downloads. A small file of its own, so that it adds seconds, not a 64 MiB download.
   */
  @Test
  @Order(0)
  void aBareMagnetIsFetchedAfterItsMetadataComesFromTheProviders() throws Exception {
    String hash = smallShare().infoHash();
    String bare = "magnet:?xt=urn:btmh:1220" + hash + "&dn=x&tr=udp://tracker.example:1";
    Path out = network.baseDir().resolve("out-bare.bin");
    HttpResponse<String> rsp = send(downloader(), "POST", "/shroud/v1/downloads",
        "{\"link\":\"" + bare + "\",\"output\":\"" + out + "\",\"hops\":3}");
    assertEquals(201, rsp.statusCode(), rsp.body());
    JsonNode started = JSON.readTree(rsp.body());
    assertEquals("FETCHING_METADATA", started.path("state").asText(), rsp.body());
    JsonNode done = awaitState(started.path("id").asText(), "COMPLETE", Duration.ofMinutes(2));
    String expected = smallShare().sha256();
    assertEquals(expected, sha256Of(out));
    assertEquals(expected, done.path("sha256").asText());
    assertEquals("small.bin", done.path("name").asText(), "the verified dictionary's name, not dn=x");
  }

  /**
   * What libtorrent itself writes for the small share's file: its bare magnet (xt, dn, tr)
   * through the JSON API and its v2 {@code .torrent} as a POST body, both fetched at once to
   * completion through 3-hop circuits.
   */
  @Test
  @Order(1)
  void libtorrentsOwnMagnetAndTorrentForAPublicShareAreFetchedThroughCircuits() throws Exception {
    SmallShare share = smallShare();
    Path torrent = network.baseDir().resolve("libtorrent-small.torrent");
    JsonNode made = LibtorrentDriver.run("create", share.file().toString(), Integer.toString(share.pieceLength()),
        "v2", torrent.toString());
    assertEquals(share.pieceLength(), made.path("pieceLength").asInt(), made.toString());
    assertEquals(share.infoHash(), made.path("v2").asText(), "libtorrent's v2 info-hash is the share's");
    String magnet = LibtorrentDriver.run("magnet", torrent.toString(), "udp://tracker.example:6969/announce")
        .path("magnet").asText();
    assertTrue(magnet.matches("magnet:\\?xt=urn:btmh:1220" + share.infoHash() + "&dn=small\\.bin&tr=udp[^&]+"), magnet);
    for (String param : magnet.substring(magnet.indexOf('?') + 1).split("&")) {
      assertFalse(param.startsWith("x."), "a bare magnet, no Shroud parameters: " + magnet);
    }
    Path outMagnet = network.baseDir().resolve("out-lt-magnet.bin");
    Path outTorrent = network.baseDir().resolve("out-lt-torrent.bin");
    HttpResponse<String> byMagnet = send(downloader(), "POST", "/shroud/v1/downloads", JSON.createObjectNode()
        .put("link", magnet).put("output", outMagnet.toString()).put("hops", 3).toString());
    assertEquals(201, byMagnet.statusCode(), byMagnet.body());
    HttpResponse<String> byTorrent = HTTP.send(downloader().request("POST", "/shroud/v1/downloads?output="
            + URLEncoder.encode(outTorrent.toString(), StandardCharsets.UTF_8) + "&hops=3", null)
        .setHeader("Content-Type", "application/x-bittorrent")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(torrent))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(201, byTorrent.statusCode(), byTorrent.body());
    String expected = share.sha256();
    for (HttpResponse<String> started : List.of(byMagnet, byTorrent)) {
      JsonNode view = JSON.readTree(started.body());
      assertEquals(share.infoHash(), view.path("infoHash").asText(), started.body());
      JsonNode done = awaitState(view.path("id").asText(), "COMPLETE", Duration.ofMinutes(2));
      assertEquals(expected, done.path("sha256").asText(), done.toString());
      for (JsonNode c : done.path("circuits")) {
        assertEquals(3, c.path("path").size(), c.toString());
      }
    }
    assertEquals(expected, sha256Of(outMagnet));
    assertEquals(expected, sha256Of(outTorrent));
  }

  @Test
  @Order(2)
  void aPublicFolderIsLibtorrentsAndIsFetchedFileByFileThroughCircuits() throws Exception {
    FolderSteps.sharedFolderIsLibtorrentsAndIsFetchedFileByFile(network.node(2), downloader(), network.baseDir());
  }

  @Test
  @Order(3)
  void aThirdNodeFetchesFromBothProvidersThroughThreeHopCircuits() throws Exception {
    Path out = network.baseDir().resolve("out-1.bin");
    PrometheusParser.Scrape before = metrics(downloader());
    String id = startDownload(out.toString());
    JsonNode done = awaitState(id, "COMPLETE", Duration.ofMinutes(4));
    assertEquals(sha256, sha256Of(out));
    assertEquals(sha256, done.path("sha256").asText());
    assertEquals(0, done.path("refetchedBytes").asLong());
    for (JsonNode c : done.path("circuits")) {
      assertEquals(3, c.path("path").size(), c.toString());
    }
    // the downloader's counters moved by the download, as the Prometheus client's parser reads them
    PrometheusParser.Scrape after = metrics(downloader());
    assertEquals("counter", after.types().get("shroud_download_bytes"));
    assertTrue(after.value("shroud_download_bytes_total") - before.value("shroud_download_bytes_total") >= SIZE,
        "every byte verified: " + after.value("shroud_download_bytes_total"));
    assertTrue(after.value("shroud_pieces_verified_total") - before.value("shroud_pieces_verified_total")
        >= done.path("piecesTotal").asInt());
    assertTrue(after.value("shroud_circuits_built_total") > before.value("shroud_circuits_built_total"));
    assertEquals(1.0, after.value("shroud_downloads_completed_total") - before.value("shroud_downloads_completed_total"));
    assertTrue(after.value("shroud_journal_write_seconds_count{journal=\"download\"}")
        > before.value("shroud_journal_write_seconds_count{journal=\"download\"}"));
    assertTrue(after.value("jvm_memory_used_bytes{area=\"heap\"}") > 0);
    String downloaderScrape = scrape(downloader()).body();
    assertTrue(!downloaderScrape.contains(infoHash), "metrics never name what a node fetched");
    // nodes that only relayed circuits or stored DHT records never saw the info-hash
    for (LocalNode n : network.nodes()) {
      if (n.index() == 2 || n.index() == 3 || n.index() == 7) {
        continue;
      }
      String views = json(n, "/shroud/v1/circuits").toString() + json(n, "/shroud/v1/dht") + json(n, "/shroud/v1/shares")
          + json(n, "/shroud/v1/downloads") + scrape(n).body();
      assertTrue(!views.contains(infoHash), "node " + n.index() + " API shows the info-hash");
      assertTrue(!Files.readString(n.logFile()).contains(infoHash), "node " + n.index() + " logged the info-hash");
    }
  }

  @Test
  @Order(4)
  void aDownloaderKilledHalfwayResumesAndRefetchesLessThanTwoPieces() throws Exception {
    Path out = network.baseDir().resolve("out-2.bin");
    String id = startDownload(out.toString());
    JsonNode half = awaitProgress(id, 0.5);
    downloader().kill();
    downloader().start();
    network.awaitReady(downloader(), Duration.ofSeconds(120));
    JsonNode done = awaitState(id, "COMPLETE", Duration.ofMinutes(4));
    assertEquals(sha256, sha256Of(out));
    long pieceLength = Long.parseLong(link.replaceAll(".*[?&]x\\.pl=(\\d+).*", "$1"));
    assertTrue(done.path("refetchedBytes").asLong() < 2 * pieceLength,
        "re-fetched " + done.path("refetchedBytes").asLong() + " bytes, piece length " + pieceLength
            + " (killed at " + half.path("piecesDone").asInt() + " pieces)");
  }

  @Test
  @Order(5)
  void aProviderKilledHalfwayLeavesTheOtherToFinish() throws Exception {
    Path out = network.baseDir().resolve("out-3.bin");
    String id = startDownload(out.toString());
    awaitProgress(id, 0.3);
    network.node(2).kill();
    awaitState(id, "COMPLETE", Duration.ofMinutes(4));
    assertEquals(sha256, sha256Of(out));
  }

  @Test
  @Order(6)
  void aProviderThatCorruptsBlocksIsCaughtAndDropped() throws Exception {
    // node 2 comes back serving every block with one byte flipped (test-only switch)
    network.node(2).start(List.of("-D" + FeatureSettings.CORRUPT_SERVED_BLOCKS_PROPERTY + "=true"));
    network.awaitReady(network.node(2), Duration.ofSeconds(120));
    String node2 = json(network.node(2), "/shroud/v1/node").path("nodeId").asText();
    await("node 2 serves the share again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions().until(() -> json(network.node(2), "/shroud/v1/shares").path("shares").toString()
            .contains(infoHash));
    // circuits can only reach node 2 once every node's directory lists it again
    for (LocalNode n : network.nodes()) {
      await("node " + n.index() + " lists node 2 again").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
          .ignoreExceptions().until(() -> json(n, "/shroud/v1/directory").toString().contains(node2));
    }
    Path out = network.baseDir().resolve("out-4.bin");
    String id = startDownload(out.toString());
    JsonNode done = awaitState(id, "COMPLETE", Duration.ofMinutes(4));
    assertEquals(sha256, sha256Of(out));
    // the sources are hidden seeders under labels of the download's own: node 2's id is not among
    // them, but the one that sent bad blocks was struck and banned
    assertFalse(done.path("sources").toString().contains(node2), "sources are labels: " + done.path("sources"));
    // (node 2 may be listed twice near a period's end: a descriptor for each period)
    int banned = 0;
    for (JsonNode s : done.path("sources")) {
      if (s.path("banned").asBoolean()) {
        banned++;
        assertTrue(s.path("strikes").asInt() >= 1, s.toString());
      }
    }
    assertTrue(banned >= 1, "the corrupting seeder was banned: " + done.path("sources"));
  }

  @Test
  @Order(7)
  void relaysAndDhtNodesNeverSeeAnEncryptedSharesInfoHashKeyOrPlaintext() throws Exception {
    // a text file whose every line carries a marker, so any plaintext that leaked would show
    String marker = "shroud-plaintext-marker-" + HexFormat.of().formatHex(new byte[] {9, 4, 7, 1});
    Path secret = network.baseDir().resolve("secret.txt");
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < 2 * 1024 * 1024; i++) {
      text.append(marker).append(' ').append(i).append('\n');
    }
    Files.writeString(secret, text);
    HttpResponse<String> rsp = send(network.node(4), "POST", "/shroud/v1/shares",
        "{\"path\":\"" + secret + "\",\"public\":false}");
    assertEquals(201, rsp.statusCode(), rsp.body());
    JsonNode share = JSON.readTree(rsp.body());
    String secretLink = share.path("link").asText();
    String secretHash = share.path("infoHash").asText();
    String key = secretLink.replaceAll(".*[?&]x\\.k=([^&]+).*", "$1");
    assertTrue(key.length() == 43 && !key.equals(secretLink), "the link carries a key: " + secretLink);
    Path out = network.baseDir().resolve("secret-out.txt");
    HttpResponse<String> started = send(downloader(), "POST", "/shroud/v1/downloads",
        "{\"link\":\"" + secretLink + "\",\"output\":\"" + out + "\",\"hops\":3}");
    assertEquals(201, started.statusCode(), started.body());
    String id = JSON.readTree(started.body()).path("id").asText();
    awaitState(id, "COMPLETE", Duration.ofMinutes(3));
    assertEquals(text.toString(), Files.readString(out));
    // every node but the provider (4) and the downloader (7): relays, DHT nodes, bystanders
    for (LocalNode n : network.nodes()) {
      if (n.index() == 4 || n.index() == 7) {
        continue;
      }
      String seen = Files.readString(n.logFile());
      if (n.isRunning()) {
        seen += json(n, "/shroud/v1/circuits").toString() + json(n, "/shroud/v1/dht") + json(n, "/shroud/v1/shares")
            + json(n, "/shroud/v1/downloads") + json(n, "/shroud/v1/peers");
      }
      assertTrue(!seen.contains(secretHash), "node " + n.index() + " saw the encrypted share's info-hash");
      assertTrue(!seen.contains(key), "node " + n.index() + " saw the share key");
      assertTrue(!seen.contains(marker), "node " + n.index() + " saw the plaintext");
    }
  }
}

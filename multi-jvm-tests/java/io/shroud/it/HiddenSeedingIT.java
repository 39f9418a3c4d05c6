package io.shroud.it;

import static io.shroud.it.LocalNetwork.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.cli.LocalAdmission;
import io.shroud.cli.LocalNode;
import io.shroud.content.ShareLink;
import io.shroud.hidden.HsLocation;
import io.shroud.hidden.HsPeriod;
import io.shroud.hidden.ShareSecret;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hidden seeding (issue 26; protocol §11) between real processes: six relays (1-3 the
 * authorities), two clients. Relay 4 shares a file; client 7 fetches it through 3+3 hops
 * (descriptor lookup, introduction, rendezvous) and, done, seeds it hidden itself; client 8
 * fetches from both, and relay 4 is killed with {@code kill -9} halfway: the download completes
 * from client 7 alone. No other node's log, API views or stored descriptor records name a
 * seeder next to the share; the downloader's views name neither seeder. Then one of client 7's
 * intro points is killed: it draws a new one, publishes a new descriptor, and a new download
 * succeeds. Steps run in order on one network.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HiddenSeedingIT {
  static final int SIZE = 48 * 1024 * 1024;
  static final int SEEDER_RELAY = 4;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  static LocalNetwork network;
  static LocalNode seederClient;
  static LocalNode downloader;
  static Path file;
  static String sha256;
  static String link;
  static String infoHash;
  static String relaySeederId;
  static String clientSeederId;

  @RegisterExtension
  static NodeLogsOnFailure logs = new NodeLogsOnFailure(() -> network);

  @BeforeAll
  static void start() throws Exception {
    // every seeder uploads at 6 MiB/s, so a download runs long enough to kill a seeder halfway
    network = new LocalNetwork("hidden", 6, List.of("-Dshroud.consensus.fresh-for=10s",
        "-Dshroud.swarm.announce-interval=3s", "-Dshroud.swarm.upload-rate=6291456"), true);
    network.startAll(Duration.ofSeconds(180));
    assertTrue(LocalAdmission.awaitConsensusListingAll(network.nodes(), Duration.ofMinutes(3)),
        "every relay holds a consensus of 2+ signatures listing the six");
    seederClient = network.addClient(7, network.nodes());
    downloader = network.addClient(8, network.nodes());
    seederClient.start();
    downloader.start();
    network.awaitReady(seederClient, Duration.ofSeconds(90));
    network.awaitReady(downloader, Duration.ofSeconds(90));
    file = network.baseDir().resolve("hidden.bin");
    sha256 = TestFiles.random(file, SIZE >> 20, 26);
    relaySeederId = json(network.node(SEEDER_RELAY), "/shroud/v1/node").path("nodeId").asText();
    clientSeederId = json(seederClient, "/shroud/v1/node").path("nodeId").asText();
  }

  @AfterAll
  static void stop() {
    if (network != null) {
      network.close();
    }
  }

  @Test
  @Order(1)
  void aClientFetchesThroughThreePlusThreeHopsFromARelaySeedingHiddenThenSeedsItHidden() throws Exception {
    LocalNode relay = network.node(SEEDER_RELAY);
    HttpResponse<String> shared = send(relay, "POST", "/shroud/v1/shares", "{\"path\":\"" + file + "\"}");
    assertEquals(201, shared.statusCode(), shared.body());
    link = JSON.readTree(shared.body()).path("link").asText();
    infoHash = JSON.readTree(shared.body()).path("infoHash").asText();
    awaitIntroPoints(relay);

    Path out = network.baseDir().resolve("fetched-by-7.bin");
    String id = startDownload(seederClient, out);
    awaitDownload(seederClient, id, v -> v.path("state").asText().equals("COMPLETE"), Duration.ofMinutes(4));
    assertEquals(sha256, TestFiles.sha256(out), "the SHA-256 of what client 7 fetched");
    // the finished download is shared, and served hidden: a client that opens no port seeds
    awaitIntroPoints(seederClient);
  }

  @Test
  @Order(2)
  void aSecondClientFetchesFromBothAndFinishesFromTheClientWhenTheRelaySeederIsKilledHalfway() throws Exception {
    Path out = network.baseDir().resolve("fetched-by-8.bin");
    String id = startDownload(downloader, out);
    JsonNode halfway = awaitDownload(downloader, id, v -> v.path("piecesDone").asInt() * 4 >= v.path("piecesTotal")
        .asInt() && v.path("piecesTotal").asInt() > 0 && connected(v) >= 2, Duration.ofMinutes(4));
    assertNotEquals("COMPLETE", halfway.path("state").asText(), "the kill comes mid-download: " + halfway);
    network.node(SEEDER_RELAY).kill();
    JsonNode done = awaitDownload(downloader, id, v -> v.path("state").asText().equals("COMPLETE"),
        Duration.ofMinutes(4));
    assertEquals(sha256, TestFiles.sha256(out), "the SHA-256 of what client 8 fetched");
    String views = done.toString() + json(downloader, "/shroud/v1/downloads") + json(downloader, "/shroud/v1/node");
    assertFalse(views.contains(relaySeederId), "the downloader's views name the relay seeder: " + done);
    assertFalse(views.contains(clientSeederId), "the downloader's views name the client seeder: " + done);
    System.out.printf("HiddenSeedingIT: killed relay seeder at %d of %d pieces with %d sources connected; sources %s%n",
        halfway.path("piecesDone").asInt(), halfway.path("piecesTotal").asInt(), connected(halfway),
        done.path("sources"));
  }

  @Test
  @Order(3)
  void noOtherNodeNamesASeederNextToTheShare() throws Exception {
    ShareSecret secret = ShareSecret.of(ShareLink.parse(link));
    List<String> locations = new ArrayList<>();
    for (long n : new HsPeriod(Clock.systemUTC()).lookupPeriods()) {
      locations.add(HexFormat.of().formatHex(HsLocation.of(secret, n).location()));
    }
    String key = link.replaceAll(".*[?&]x\\.k=([^&]*).*", "$1");
    List<String> marks = new ArrayList<>(locations);
    marks.add(infoHash);
    marks.add(key);
    List<LocalNode> others = new ArrayList<>();
    for (LocalNode n : network.nodes()) {
      if (n.index() != SEEDER_RELAY) {
        others.add(n);
      }
    }
    others.add(downloader);
    for (LocalNode n : others) {
      List<String> texts = new ArrayList<>();
      for (String line : Files.readAllLines(n.logFile())) {
        texts.add(line);
      }
      for (String view : List.of("/shroud/v1/node", "/shroud/v1/directory", "/shroud/v1/circuits",
          "/shroud/v1/downloads", "/shroud/v1/shares")) {
        n.get(view).ifPresent(r -> texts.add(r.body()));
      }
      if (!n.isClient()) {
        texts.add(json(n, "/shroud/v1/peers").toString());
        for (String location : locations) { // what a DHT node holds at a blinded location
          n.get("/shroud/v1/dht/records/" + location + "?via=direct").ifPresent(r -> texts.add(r.body()));
        }
      }
      for (String text : texts) {
        for (String seeder : List.of(relaySeederId, clientSeederId)) {
          if (text.contains(seeder)) {
            for (String mark : marks) {
              assertFalse(text.contains(mark), n.name() + " names seeder " + seeder + " next to " + mark + ": "
                  + abbreviate(text));
            }
          }
        }
      }
    }
  }

  @Test
  @Order(4)
  void anIntroPointKilledIsReplacedAndANewDownloadSucceeds() throws Exception {
    awaitIntroPoints(seederClient);
    JsonNode hidden = await("client 7 has published a descriptor").atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> json(seederClient, "/shroud/v1/shares/" + infoHash + "/hidden"), h -> !h.path("descriptors").isEmpty());
    String killed = null;
    LocalNode victim = null;
    for (JsonNode p : hidden.path("introPoints")) {
      if (!p.path("state").asText().equals("ESTABLISHED")) {
        continue;
      }
      for (LocalNode n : network.nodes()) {
        if (n.isRunning() && json(n, "/shroud/v1/node").path("nodeId").asText().equals(p.path("relay").asText())
            && (victim == null || n.index() > 3)) { // rather not an authority
          victim = n;
          killed = p.path("relay").asText();
        }
      }
    }
    assertTrue(victim != null, "an established intro point on a running relay: " + hidden);
    Map<Long, Long> seqsBefore = descriptorSeqs(hidden);
    victim.kill();
    String gone = killed;
    await("client 7 replaces its intro point on the killed relay").atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
          JsonNode h = json(seederClient, "/shroud/v1/shares/" + infoHash + "/hidden");
          boolean onGone = false;
          int established = 0;
          for (JsonNode p : h.path("introPoints")) {
            if (p.path("state").asText().equals("ESTABLISHED")) {
              established++;
              onGone |= p.path("relay").asText().equals(gone);
            }
          }
          if (onGone || established < 1) {
            return false;
          }
          // a new descriptor, without the lost point, was published for a period that had one
          Map<Long, Long> now = descriptorSeqs(h);
          return seqsBefore.entrySet().stream().anyMatch(e -> now.getOrDefault(e.getKey(), 0L) > e.getValue());
        });
    Path out = network.baseDir().resolve("fetched-again-by-8.bin");
    String id = startDownload(downloader, out);
    awaitDownload(downloader, id, v -> v.path("state").asText().equals("COMPLETE"), Duration.ofMinutes(4));
    assertEquals(sha256, TestFiles.sha256(out), "the SHA-256 of the download after the intro point was replaced");
  }

  /** The seq of the newest descriptor published for each period ({@code GET …/hidden}). */
  private static Map<Long, Long> descriptorSeqs(JsonNode hidden) {
    Map<Long, Long> seqs = new java.util.HashMap<>();
    hidden.path("descriptors").forEach(d -> seqs.put(d.path("period").asLong(), d.path("seq").asLong()));
    return seqs;
  }

  private static JsonNode awaitIntroPoints(LocalNode seeder) {
    AtomicReference<JsonNode> last = new AtomicReference<>();
    await(seeder.name() + " establishes intro points").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
        .ignoreExceptions().until(() -> {
          JsonNode h = json(seeder, "/shroud/v1/shares/" + infoHash + "/hidden");
          last.set(h);
          for (JsonNode p : h.path("introPoints")) {
            if (p.path("state").asText().equals("ESTABLISHED")) {
              return true;
            }
          }
          return false;
        });
    return last.get();
  }

  private static int connected(JsonNode view) {
    int n = 0;
    for (JsonNode s : view.path("sources")) {
      if (s.path("state").asText().equals("READY")) {
        n++;
      }
    }
    return n;
  }

  private static String startDownload(LocalNode node, Path out) throws Exception {
    HttpResponse<String> started = send(node, "POST", "/shroud/v1/downloads",
        JSON.createObjectNode().put("link", link).put("output", out.toString()).put("hops", 3).toString());
    assertEquals(201, started.statusCode(), started.body());
    return JSON.readTree(started.body()).path("id").asText();
  }

  private interface ViewCheck {
    boolean ok(JsonNode view);
  }

  private static JsonNode awaitDownload(LocalNode node, String id, ViewCheck check, Duration timeout) {
    AtomicReference<JsonNode> last = new AtomicReference<>();
    await("download " + id + " on " + node.name()).atMost(timeout).pollInterval(Duration.ofMillis(200))
        .failFast("the download failed", () -> last.get() != null && last.get().path("state").asText().equals("FAILED"))
        .ignoreExceptions().until(() -> {
          JsonNode v = json(node, "/shroud/v1/downloads/" + id);
          last.set(v);
          return check.ok(v);
        });
    return last.get();
  }

  private static HttpResponse<String> send(LocalNode node, String method, String path, String body) throws Exception {
    return HTTP.send(node.request(method, path, body).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String abbreviate(String text) {
    return text.length() > 400 ? text.substring(0, 400) + "…" : text;
  }
}

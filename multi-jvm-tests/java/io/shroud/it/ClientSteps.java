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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client on AdmissionIT's network (issue 24): a process outside the relay cluster, started with
 * {@code shroud node --client --bootstrap …} once the relays' consensus lists all three. Its only
 * listening TCP socket is its management endpoint; it fetches a file a relay shares hidden
 * (issue 26) through 3-hop circuits to rendezvous points (guard, middle, rendezvous: the three
 * relays), is killed with {@code kill -9} mid-download, restarted with the same command line,
 * resumes to the same SHA-256 and keeps its guards, and its sources are labels that name no relay;
 * and no relay's directory, consensus, peers or log names it. The steps run in order on one
 * instance.
 */
final class ClientSteps {
  /** The client's index: 127.6.0.1, clear of the relays (1-3) and AdmissionIT's strangers (4, 5). */
  static final int CLIENT_INDEX = 6;
  /** Big enough that the kill comes mid-download on the 2-core machine. */
  static final int SIZE = 64 * 1024 * 1024;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalNetwork network;
  private LocalNode client;
  private String clientId;
  private Set<String> relayIds;

  ClientSteps(LocalNetwork network) {
    this.network = network;
  }

  /**
   * Starts the client once every relay holds a consensus of 2+ signatures listing the three (a
   * network's first consensus may be partial); it is ready once it holds a verified consensus,
   * fetched from a bootstrap relay. Then: its only listening socket is its management endpoint,
   * its node view says {@code client} with no cluster or data address, its consensus lists the
   * three relays, and it may share (hidden, as every node does; HiddenSeedingIT fetches from one).
   */
  void startAClientThatListensOnItsManagementEndpointOnly() throws Exception {
    assertTrue(LocalAdmission.awaitConsensusListingAll(network.nodes(), Duration.ofMinutes(2)),
        "every relay holds a consensus of 2+ signatures listing the three");
    relayIds = ClusterSteps.descriptorIds(network.node(1));
    assertEquals(3, relayIds.size());
    client = network.addClient(CLIENT_INDEX, network.nodes());
    client.start();
    network.awaitReady(client, Duration.ofSeconds(90));
    assertOnlyManagementListens();

    JsonNode node = json(client, "/shroud/v1/node");
    assertEquals("client", node.path("role").asText(), node.toString());
    assertTrue(node.path("clusterAddress").isNull() && node.path("dataAddress").isNull(), node.toString());
    clientId = node.path("nodeId").asText();
    assertEquals(64, clientId.length(), node.toString());
    assertFalse(relayIds.contains(clientId));
    for (LocalNode relay : network.nodes()) {
      assertEquals("relay", json(relay, "/shroud/v1/node").path("role").asText(), relay.name());
    }

    JsonNode consensus = json(client, "/shroud/v1/consensus");
    assertTrue(consensus.path("signedBy").size() >= 2, consensus.toString());
    assertEquals(relayIds, ids(consensus.path("relays")), "the client's consensus lists the three relays");
    // guards are picked with the first circuit, so there may be none yet
    assertTrue(relayIds.containsAll(guards()), "guards are relays: " + guards());

    Path somewhere = network.baseDir().resolve("client-share.txt");
    Files.writeString(somewhere, "a client shares hidden");
    HttpResponse<String> share = send("POST", "/shroud/v1/shares", "{\"path\":\"" + somewhere + "\"}");
    assertEquals(201, share.statusCode(), share.body());
    String infoHash = JSON.readTree(share.body()).path("infoHash").asText();
    HttpResponse<String> removed = send("DELETE", "/shroud/v1/shares/" + infoHash, null);
    assertTrue(removed.statusCode() / 100 == 2, removed.statusCode() + " " + removed.body());
  }

  /**
   * A relay shares a 64 MiB file (encrypted, hidden); the client fetches it through 3-hop
   * circuits, each guard → middle → a rendezvous point; killed with {@code kill -9} once some
   * progress shows and restarted with its own command line, it resumes to completion, the SHA-256
   * matches, and its guards are the same list as before. Its sources are labels: no relay's id.
   */
  void fetchThroughThreeHopsSurvivingKillNineWithTheSameGuards() throws Exception {
    assertTrue(client != null && client.isRunning(), "the client of the step before runs");
    LocalNode sharer = network.node(2);
    String sharerId = json(sharer, "/shroud/v1/node").path("nodeId").asText();
    Path file = network.baseDir().resolve("client-fetch.bin");
    String sha256 = TestFiles.random(file, SIZE >> 20, 24);
    HttpResponse<String> shared = HTTP.send(sharer.request("POST", "/shroud/v1/shares",
        "{\"path\":\"" + file + "\"}").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, shared.statusCode(), shared.body());
    String link = JSON.readTree(shared.body()).path("link").asText();

    Path out = network.baseDir().resolve("client-fetched.bin");
    HttpResponse<String> started = send("POST", "/shroud/v1/downloads",
        JSON.createObjectNode().put("link", link).put("output", out.toString()).put("hops", 3).toString());
    assertEquals(201, started.statusCode(), started.body());
    String id = JSON.readTree(started.body()).path("id").asText();
    List<List<String>> paths = new ArrayList<>();
    awaitDownload(id, v -> v.path("piecesDone").asInt() * 5 >= v.path("piecesTotal").asInt()
        && v.path("piecesTotal").asInt() > 0, paths, Duration.ofMinutes(4));
    List<String> guardsBefore = guards();
    assertFalse(guardsBefore.isEmpty(), "circuits were built, so the client has guards");
    assertOnlyManagementListens(); // with circuits and links open
    List<String> commandLine = client.commandLine();
    JsonNode atKill = json(client, "/shroud/v1/downloads/" + id);
    client.kill();
    assertNotEquals("COMPLETE", atKill.path("state").asText(), "the kill came mid-download: " + atKill);

    client.start();
    assertEquals(commandLine, client.commandLine(), "restarted with its own command line");
    network.awaitReady(client, Duration.ofSeconds(90));
    assertKept(guardsBefore, guards(), "the guards, read back from the journal after kill -9");
    assertOnlyManagementListens();
    JsonNode done = awaitDownload(id, v -> v.path("state").asText().equals("COMPLETE"), paths, Duration.ofMinutes(5));
    assertEquals(sha256, TestFiles.sha256(out), "the fetched file's SHA-256");
    assertKept(guardsBefore, guards(), "the guards once the resumed download is done");
    System.out.printf("ClientSteps: killed at %d of %d pieces; resumed and done, refetched %d bytes; circuits %s%n",
        atKill.path("piecesDone").asInt(), atKill.path("piecesTotal").asInt(), done.path("refetchedBytes").asLong(),
        paths);

    assertFalse(paths.isEmpty(), "the download view showed its circuits");
    List<String> guardsNow = guards();
    for (List<String> path : paths) {
      assertEquals(3, path.size(), "3 hops: " + path);
      assertEquals(3, new LinkedHashSet<>(path).size(), "3 distinct relays: " + path);
      assertTrue(relayIds.containsAll(path), "relays only: " + path);
      assertTrue(guardsNow.contains(path.get(0)), "the first hop is one of the client's guards: " + path);
    }
    JsonNode sources = done.path("sources");
    assertFalse(sources.isEmpty(), "the download view shows its sources: " + done);
    for (JsonNode source : sources) {
      String label = source.path("nodeId").asText();
      assertFalse(relayIds.contains(label), "a source is a label, not a relay's id: " + label);
    }
    // its circuits run to rendezvous points, which may be any relay (with three, every path has all
    // three); everything else in the view must not name the sharer
    com.fasterxml.jackson.databind.node.ObjectNode rest = done.deepCopy();
    rest.remove("circuits");
    assertFalse(rest.toString().contains(sharerId), "the download view never names the sharer: " + rest);
  }

  /** No relay's directory, consensus, peers or log names the client's node id; then the client stops. */
  void noRelayNamesTheClient() throws Exception {
    assertTrue(clientId != null, "the client of the first step has a node id");
    for (LocalNode relay : network.nodes()) {
      String views = json(relay, "/shroud/v1/directory").toString() + json(relay, "/shroud/v1/consensus")
          + json(relay, "/shroud/v1/peers");
      assertFalse(views.contains(clientId), relay.name() + "'s views name the client");
      assertFalse(Files.readString(relay.logFile()).contains(clientId), relay.name() + "'s log names the client");
      assertEquals(relayIds, ClusterSteps.descriptorIds(relay), relay.name() + " lists the three relays only");
    }
    client.stop(Duration.ofSeconds(20));
  }

  /** Exactly one listening TCP socket in the client's process: its management endpoint. */
  private void assertOnlyManagementListens() throws Exception {
    long pid = client.pid().orElseThrow();
    InetSocketAddress management = new InetSocketAddress(InetAddress.getByName(client.host()), LocalNode.MANAGEMENT_PORT);
    assertEquals(List.of(management), ListeningSockets.of(pid), "the client's (pid " + pid + ") listening sockets");
  }

  /**
   * The guards of before are all still there, first and in the same order: a restart keeps them.
   * More may follow them: a node tops its list up to three when the consensus names more Guards
   * (a relay earns the flag, or comes back), as it would without a restart.
   */
  private static void assertKept(List<String> before, List<String> after, String what) {
    assertTrue(after.size() >= before.size() && after.subList(0, before.size()).equals(before),
        what + ": before " + before + ", after " + after);
  }

  private List<String> guards() {
    List<String> ids = new ArrayList<>();
    json(client, "/shroud/v1/guards").path("guards").forEach(g -> ids.add(g.path("nodeId").asText()));
    return ids;
  }

  private interface ViewCheck {
    boolean ok(JsonNode view);
  }

  /** Polls the download until {@code check} holds, recording every circuit path it shows; fails on FAILED. */
  private JsonNode awaitDownload(String id, ViewCheck check, List<List<String>> paths, Duration timeout) {
    AtomicReference<JsonNode> last = new AtomicReference<>();
    await("download " + id + " on the client").atMost(timeout).pollInterval(Duration.ofMillis(200))
        .failFast("the download failed", () -> last.get() != null && last.get().path("state").asText().equals("FAILED"))
        .ignoreExceptions().until(() -> {
          JsonNode v = json(client, "/shroud/v1/downloads/" + id);
          last.set(v);
          for (JsonNode c : v.path("circuits")) {
            List<String> path = new ArrayList<>();
            c.path("path").forEach(h -> path.add(h.asText()));
            if (!paths.contains(path)) {
              paths.add(path);
            }
          }
          return check.ok(v);
        });
    return last.get();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return HTTP.send(client.request(method, path, body).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Set<String> ids(JsonNode relays) {
    Set<String> ids = new TreeSet<>();
    relays.forEach(r -> ids.add(r.path("nodeId").asText()));
    return ids;
  }
}

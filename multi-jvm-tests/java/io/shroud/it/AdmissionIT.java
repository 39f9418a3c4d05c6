package io.shroud.it;

import static io.shroud.it.LocalNetwork.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.admission.NetworkDefinition;
import io.shroud.admission.NetworkFiles;
import io.shroud.admission.RevocationList;
import io.shroud.crypto.Ed25519;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import io.shroud.cli.LocalAdmission;
import io.shroud.cli.LocalNode;
import io.shroud.identity.NodeId;
import io.shroud.node.NodeKeyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Only admitted relays join, and they re-form one cluster whatever order they restart in (issue
 * 23). A network of three relays, started as devnet starts them (each admitted to the network,
 * Artery over mutual TLS, untrusted mode). First each relay, the first seed included, is killed
 * with {@code kill -9} and restarted with its own command line, one after another: after each
 * restart all three are Up in one cluster (every node sees the same three members, the restarted
 * one with its new incarnation, nothing unreachable); then the first seed is restarted while the
 * other two are frozen ({@code kill -STOP}): it must wait for their answer rather than form a
 * cluster of its own, and join them once they answer. Then two strangers are
 * told to join through relay 1: a relay of ANOTHER network (a valid certificate of another trust
 * root) and a node with no certificate at all, running plain {@code tcp} Artery as a stranger or an
 * old version would. For 45 s neither becomes a member or a directory entry anywhere, and relay 1's
 * log names each refused connection in one line. Then relay 3 is revoked and must be dropped within
 * one revocation interval. Before and between these, the cluster checks once ClusterIT's
 * ({@link ClusterSteps}): the relays agree on the same three verified descriptors and keep their
 * node ids and onion keys across {@code kill -9}, and a consensus signed by 2 of the 3 authorities
 * lists every relay while circuits follow it. Once it does, a client ({@link ClientSteps}: no
 * cluster, no data port) fetches a relay's hidden share through 3-hop circuits, survives
 * {@code kill -9} and is named by no relay. The steps share the network and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdmissionIT {
  /** How long the strangers keep trying, and must stay out. */
  static final Duration STRANGERS_WINDOW = Duration.ofSeconds(45);
  /** This network's revocation check interval. */
  static final Duration CHECK_INTERVAL = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LOG_LINE_START = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*");

  static LocalNetwork network;
  static ClientSteps clientSteps;
  static final List<LocalNode> strangers = new ArrayList<>();

  @RegisterExtension
  static NodeLogsOnFailure logs = new NodeLogsOnFailure(() -> network);

  @BeforeAll
  static void start() throws Exception {
    // a consensus every 10 s rather than LocalAdmission's 30 s: the consensus step waits a period at most
    // seeders' circuits of one hop: three relays allow no 3-hop circuit from one relay to another
    // (a seeder's own relay is never a hop of its circuits); HiddenSeedingIT runs 3+3 on six
    network = new LocalNetwork("admission", 3, List.of("-Dshroud.consensus.fresh-for=10s",
        "-Dshroud.seeding.hops=1"), true);
    // a short revocation check interval for this network (1 minute by default)
    NetworkDefinition def = NetworkFiles.loadDefinition(network.networkDir());
    Files.writeString(network.networkDir().resolve(NetworkFiles.CONF), new NetworkDefinition(def.name(), def.id(),
        def.trustRoot(), def.authorities(), def.revocationThreshold(), CHECK_INTERVAL).render());
    network.startAll(Duration.ofSeconds(90));
    clientSteps = new ClientSteps(network);
  }

  @AfterAll
  static void stop() {
    strangers.parallelStream().forEach(LocalNode::kill);
    if (network != null) {
      network.close();
    }
  }

  // ---- Forming and re-forming (docs/design.md, "Forming the cluster"): each relay, the first
  // seed included, killed with kill -9 and restarted with its own command line; then the first
  // seed restarted while the other two are frozen. On the old devnet command lines (node 1 its
  // own only seed) the first restart made node 1 a one-node island.

  @Test
  @Order(0)
  void threeRelaysSeeThreeMembersUpAndTheSameThreeVerifiedDescriptors() {
    ClusterSteps.everyRelaySeesTheSameDirectory(network, 3);
  }

  @Test
  @Order(1)
  void eachRelayKilledAndRestartedWithItsOwnCommandLineRejoinsTheOneCluster() {
    Set<String> before = awaitOneCluster("after the start");
    java.util.Map<String, String> onionKeys = ClusterSteps.onionKeysById(network);
    for (LocalNode n : network.nodes()) {
      List<String> commandLine = n.commandLine();
      n.kill();
      n.start();
      assertEquals(commandLine, n.commandLine(), "node " + n.index() + " restarts with its own command line");
      network.awaitReady(n, Duration.ofSeconds(90));
      Set<String> after = awaitOneCluster("after node " + n.index() + " was killed and restarted");
      String oldIncarnation = incarnationOf(before, n);
      assertEquals(false, after.contains(oldIncarnation), "node " + n.index() + "'s old incarnation is gone");
      before = after;
    }
    // each came back with its own node id and onion key, as every relay sees them
    ClusterSteps.everyRelaySeesTheSameDirectory(network, 3);
    assertEquals(onionKeys, ClusterSteps.onionKeysById(network));
  }

  @Test
  @Order(2)
  void aConsensusSignedByTwoOfThreeAuthoritiesListsEveryRelayAndCircuitsUseItsGuards() throws Exception {
    ClusterSteps.consensusListsEveryRelayAndCircuitsUseItsGuards(network);
  }

  // ---- Clients (issue 24), while the network is whole and its consensus lists all three relays:
  // a 3-hop circuit of the client's to a rendezvous point uses all three relays ({@link ClientSteps}).

  @Test
  @Order(3)
  void aClientListensOnItsManagementEndpointOnlyAndHoldsTheVerifiedConsensus() throws Exception {
    clientSteps.startAClientThatListensOnItsManagementEndpointOnly();
  }

  @Test
  @Order(4)
  void aClientFetchesThroughThreeHopsAndResumesAfterKillNineWithTheSameGuards() throws Exception {
    clientSteps.fetchThroughThreeHopsSurvivingKillNineWithTheSameGuards();
  }

  @Test
  @Order(5)
  void noRelayNamesTheClient() throws Exception {
    clientSteps.noRelayNamesTheClient();
  }

  @Test
  @Order(6)
  void theFirstSeedRestartedWhileTheOtherSeedsDoNotAnswerWaitsForThemInsteadOfFormingAnIsland() throws Exception {
    LocalNode first = network.node(1);
    first.kill();
    // the other two remove it, so that they hold a running cluster of their own two
    await("nodes 2 and 3 remove the killed node 1").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> membersUp(network.node(2)).size() == 2 && membersUp(network.node(3)).size() == 2);
    signal("STOP", network.node(2), network.node(3));
    try {
      first.start();
      await("node 1 alive").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
          .failFast("node 1 exited", () -> !first.isRunning())
          .until(first::isAlive);
      // Pekko's first seed would form its own cluster 5 s (seed-node-timeout) after it started
      await("node 1 forms no cluster while the other seeds are silent")
          .during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofMillis(500))
          .until(() -> first.isRunning() && json(first, "/cluster/members").path("members").isEmpty());
    } finally {
      signal("CONT", network.node(2), network.node(3));
    }
    network.awaitReady(first, Duration.ofSeconds(90));
    awaitOneCluster("after node 1 restarted while nodes 2 and 3 were frozen");
  }

  /** Sends {@code SIGSTOP} or {@code SIGCONT} to the nodes' processes. */
  private static void signal(String signal, LocalNode... nodes) throws IOException, InterruptedException {
    for (LocalNode n : nodes) {
      long pid = n.pid().orElseThrow();
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
      assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }
  }

  /**
   * Waits until every node's view shows the same three members, all Up, one per node and none
   * unreachable; returns them as {@code address#uid}.
   */
  private static Set<String> awaitOneCluster(String when) {
    List<Set<String>> views = new ArrayList<>();
    await("one cluster of 3 members Up " + when)
        .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> {
          views.clear();
          for (LocalNode n : network.nodes()) {
            views.add(membersUp(n));
          }
          return views.get(0).size() == 3 && views.stream().allMatch(views.get(0)::equals);
        });
    Set<String> members = views.get(0);
    for (LocalNode n : network.nodes()) {
      incarnationOf(members, n); // each node is one of the three
    }
    return members;
  }

  /** {@code n}'s members as {@code address#uid}, if all are Up and none unreachable; else fails. */
  private static Set<String> membersUp(LocalNode n) {
    JsonNode view = json(n, "/cluster/members");
    assertEquals(0, view.path("unreachable").size(), "node " + n.index() + " sees unreachable members");
    Set<String> up = new TreeSet<>();
    for (JsonNode m : view.path("members")) {
      assertEquals("Up", m.path("status").asText(), "node " + n.index() + ": " + m);
      up.add(m.path("node").asText() + "#" + m.path("nodeUid").asText());
    }
    return up;
  }

  private static String incarnationOf(Set<String> members, LocalNode n) {
    String address = "pekko://shroud@" + n.clusterAddress() + "#";
    return members.stream().filter(m -> m.startsWith(address)).findFirst()
        .orElseThrow(() -> new AssertionError("node " + n.index() + " is not among " + members));
  }

  @Test
  @Order(7)
  void strangersWithAForeignCertificateOrNoneNeverJoin() throws Exception {
    Path base = network.baseDir();
    String seed = network.node(1).clusterAddress();
    List<String> jvm = new ArrayList<>(LocalNetwork.TEST_JVM_OPTIONS);
    jvm.add("-Dpekko.cluster.shutdown-after-unsuccessful-join-seed-nodes=off"); // they keep trying

    // (a) a relay of another network: admitted there, pointed at its own network.conf, seeded at relay 1
    Path otherNetwork = LocalAdmission.network(base.resolve("other"), "another-network");
    List<String> foreignArgs = new ArrayList<>(LocalNode.rootArgs(List.of(base), List.of(base)));
    foreignArgs.addAll(List.of("--seed", seed));
    foreignArgs.addAll(LocalAdmission.networkArgs(otherNetwork));
    LocalNode foreign = new LocalNode(4, jar(), base, jvm, foreignArgs);
    LocalAdmission.admit(otherNetwork, foreign.dataDir());

    // (b) no network, no certificate: Artery over plain tcp, set in its config file
    Path plainConf = base.resolve("plain-artery.conf");
    Files.writeString(plainConf, "pekko.remote.artery.transport = tcp\n");
    List<String> plainArgs = new ArrayList<>(LocalNode.rootArgs(List.of(base), List.of(base)));
    plainArgs.addAll(List.of("--seed", seed, "--config", plainConf.toString()));
    LocalNode plain = new LocalNode(5, jar(), base, jvm, plainArgs);

    String foreignId = nodeId(foreign);
    String plainId = nodeId(plain);
    Instant started = Instant.now();
    strangers.addAll(List.of(foreign, plain));
    strangers.parallelStream().forEach(LocalNode::start);

    String refusedForeign = " - refused inbound Artery TLS session on " + seed + " from node " + foreignId
        + " (as it claims): ";
    String refusedPlain = " - refused inbound Artery connection on " + seed + ": not TLS";
    await("relay 1 refuses both strangers (log " + network.node(1).logFile() + ")")
        .atMost(STRANGERS_WINDOW).pollInterval(Duration.ofMillis(500))
        .failFast("a stranger exited", () -> !foreign.isRunning() || !plain.isRunning())
        .until(() -> logLine(network.node(1), refusedForeign).isPresent()
            && logLine(network.node(1), refusedPlain).isPresent());
    assertTrue(logLine(network.node(1), refusedForeign).orElseThrow().contains("trust root"),
        "the reason names the trust root: " + logLine(network.node(1), refusedForeign));
    assertOneLine(network.node(1), refusedForeign);
    assertOneLine(network.node(1), refusedPlain);
    assertTrue(logLine(foreign, " - refused Artery TLS session to " + seed + ": ").isPresent(),
        "the foreign relay says why it refused relay 1 too");

    Duration rest = STRANGERS_WINDOW.minus(Duration.between(started, Instant.now()));
    await("for " + STRANGERS_WINDOW + " after they started, no relay lists a stranger")
        .during(rest).atMost(rest.plusSeconds(20)).pollInterval(Duration.ofSeconds(2))
        .failFast("a stranger exited", () -> !foreign.isRunning() || !plain.isRunning())
        .until(() -> network.nodes().stream().allMatch(relay ->
            members(relay).equals(relayAddresses())
                && !directoryIds(relay).contains(foreignId) && !directoryIds(relay).contains(plainId)
                && directoryIds(relay).size() == 3));
    strangers.parallelStream().forEach(LocalNode::kill);
  }

  /**
   * A revoked relay is dropped within one revocation interval. The list (serial 1, revoking relay
   * 3, signed by two of the three authorities) is published through relay 1's management API only:
   * relay 2 learns it from relay 1 through the cluster's replicated data, and both down relay 3 at
   * their next check; relay 3, seeing itself revoked, leaves too. Within one check interval (10 s
   * here) plus the time the cluster takes to remove a downed member, relays 1 and 2 show two
   * members and no directory lists relay 3.
   */
  @Test
  @Order(8)
  void aRevokedRelayIsDroppedWithinOneRevocationInterval() throws Exception {
    LocalNode revoked = network.node(3);
    NodeId revokedId = NodeId.fromHex(nodeId(revoked));
    Path dir = network.networkDir();
    NetworkDefinition def = NetworkFiles.loadDefinition(dir);
    List<Ed25519.KeyPair> authorities = NetworkFiles.loadAuthorityKeys(dir);
    RevocationList list = RevocationList.unsigned(def.id(), 1, Instant.now(), Set.of(revokedId))
        .sign(authorities.get(0)).sign(authorities.get(2));
    String body = JSON.createObjectNode().put("revocations", list.armor()).toString();

    HttpResponse<String> published = HTTP.send(network.node(1).request("POST", "/shroud/v1/revocations", body)
        .build(), HttpResponse.BodyHandlers.ofString());
    Instant at = Instant.now();
    assertEquals(200, published.statusCode(), published.body());
    // the same list again is not newer: 409, and nothing changes
    HttpResponse<String> again = HTTP.send(network.node(1).request("POST", "/shroud/v1/revocations", body)
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(409, again.statusCode(), again.body());

    List<LocalNode> rest = List.of(network.node(1), network.node(2));
    Set<String> restAddresses = new TreeSet<>();
    rest.forEach(n -> restAddresses.add(n.clusterAddress()));
    // one interval for the check that downs it, and Pekko's removal of a downed member after it
    await("relays 1 and 2 drop revoked relay 3").atMost(CHECK_INTERVAL.plusSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> rest.stream().allMatch(r -> members(r).equals(restAddresses)
            && !directoryIds(r).contains(revokedId.toHex())));
    Duration took = Duration.between(at, Instant.now());
    System.out.printf("AdmissionIT: revoked relay dropped by both others %d ms after the list was published%n",
        took.toMillis());
    // relay 1 downed relay 3 as it took the list up; relay 2 gets the list itself with the next gossip
    await("relay 2 holds the list it got from relay 1 through the cluster").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> json(network.node(2), "/shroud/v1/revocations").path("revoked").toString()
            .contains(revokedId.toHex()));
    assertTrue(logLine(network.node(1), "downing revoked relay " + revokedId.toHex()).isPresent()
        || logLine(network.node(2), "downing revoked relay " + revokedId.toHex()).isPresent()
        || logLine(revoked, "is revoked by revocation list serial 1; leaving the cluster").isPresent(),
        "someone says why relay 3 went");
  }

  private static Set<String> relayAddresses() {
    Set<String> all = new TreeSet<>();
    network.nodes().forEach(n -> all.add(n.clusterAddress()));
    return all;
  }

  /** The host:port of every member {@code relay} shows Up. */
  static Set<String> members(LocalNode relay) {
    Set<String> up = new TreeSet<>();
    for (JsonNode m : json(relay, "/cluster/members").path("members")) {
      if ("Up".equals(m.path("status").asText())) {
        String node = m.path("node").asText(); // pekko://shroud@127.1.0.1:25520
        up.add(node.substring(node.indexOf('@') + 1));
      }
    }
    return up;
  }

  /** The node ids in {@code relay}'s directory. */
  static Set<String> directoryIds(LocalNode relay) {
    Set<String> ids = new TreeSet<>();
    json(relay, "/shroud/v1/directory").path("descriptors").forEach(d -> ids.add(d.path("nodeId").asText()));
    return ids;
  }

  /** The first line of {@code node}'s log containing {@code text}. */
  static Optional<String> logLine(LocalNode node, String text) {
    return lines(node).stream().filter(l -> l.contains(text)).findFirst();
  }

  /** The line with {@code text} is one whole log entry: the next line is a new entry, not a stack trace. */
  private static void assertOneLine(LocalNode node, String text) {
    List<String> lines = lines(node);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text) && i + 1 < lines.size()) {
        String next = lines.get(i + 1);
        assertTrue(LOG_LINE_START.matcher(next).matches(),
            "a refusal is one line; after \"" + lines.get(i) + "\" came \"" + next + "\"");
      }
    }
  }

  private static List<String> lines(LocalNode node) {
    try {
      return Files.exists(node.logFile()) ? Files.readAllLines(node.logFile()) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The node id of {@code node}, from its identity key (made now if it has none yet). */
  private static String nodeId(LocalNode node) {
    return NodeId.ofIdentityKey(new NodeKeyStore(node.dataDir(), new SecureRandom()).loadOrCreateIdentity()
        .publicKey()).toHex();
  }

  private static Path jar() {
    return Path.of(System.getProperty("shroud.jar", "target/shroud.jar")).toAbsolutePath();
  }
}

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Forming and re-forming (docs/design.md, "Forming the cluster"): each relay of a 3-relay
 * network, the first seed included, is killed with {@code kill -9} and at once restarted with
 * its own command line, one after another; after each restart all three are Up in one cluster
 * (every node sees the same three members, the restarted one with its new incarnation, and
 * nothing unreachable). On the old devnet command lines (node 1 its own only seed) the first
 * restart made node 1 a one-node island.
 */
class ReformIT {
  static LocalNetwork network;

  @RegisterExtension
  static NodeLogsOnFailure logs = new NodeLogsOnFailure(() -> network);

  @BeforeAll
  static void start() {
    network = new LocalNetwork("reform", 3);
    network.startAll(Duration.ofSeconds(90));
  }

  @AfterAll
  static void stop() {
    if (network != null) {
      network.close();
    }
  }

  @Test
  void eachRelayKilledAndRestartedWithItsOwnCommandLineRejoinsTheOneCluster() {
    Set<String> before = awaitOneCluster("after the start");
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
}

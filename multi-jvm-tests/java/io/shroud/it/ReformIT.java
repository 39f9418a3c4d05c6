package io.shroud.it;

import static io.shroud.it.LocalNetwork.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.shroud.cli.LocalNode;
import java.io.IOException;
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
 * Forming and re-forming (docs/design.md, "Forming the cluster"): each relay of a 3-relay
 * network, the first seed included, is killed with {@code kill -9} and at once restarted with
 * its own command line, one after another; after each restart all three are Up in one cluster
 * (every node sees the same three members, the restarted one with its new incarnation, and
 * nothing unreachable). On the old devnet command lines (node 1 its own only seed) the first
 * restart made node 1 a one-node island. Then the first seed is restarted while the other two
 * are frozen ({@code kill -STOP}): it must wait for their answer, not form a cluster of its own
 * after Pekko's seed-node timeout, and join them once they answer. The steps share one network
 * and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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
  @Order(1)
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

  @Test
  @Order(2)
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
}

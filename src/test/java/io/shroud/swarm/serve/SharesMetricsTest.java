package io.shroud.swarm.serve;

import static io.shroud.testutil.MetricValues.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.identity.NodeId;
import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import io.shroud.testutil.PersistenceTestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shares gauge and the shares journal's write latency, on the persistence testkit. */
class SharesMetricsTest {
  static final ActorTestKit testKit = ActorTestKit.create(PersistenceTestConfig.CONFIG);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @TempDir
  Path dir;

  private final NodeId id = NodeId.ofIdentityKey(new byte[] {4, 2});
  private final NodeMetrics metrics = Metrics.get(testKit.system());

  private ActorRef<SharesActor.Command> spawn() {
    return testKit.spawn(SharesActor.create(id, dir.resolve("data"), Clock.systemUTC()));
  }

  private SharesActor.Added add(ActorRef<SharesActor.Command> shares, String name) throws Exception {
    Path f = Files.writeString(dir.resolve(name), "content of " + name);
    TestProbe<SharesActor.AddResult> probe = testKit.createTestProbe();
    shares.tell(new SharesActor.AddShare(f, true, probe.getRef()));
    return assertInstanceOf(SharesActor.Added.class, probe.receiveMessage(Duration.ofSeconds(30)));
  }

  @Test
  void theGaugeFollowsTheCatalogueAcrossARestartAndEveryWriteIsTimed() throws Exception {
    double writes = value(metrics, "shroud_journal_write_seconds_count{journal=\"shares\"}");
    ActorRef<SharesActor.Command> shares = spawn();
    add(shares, "a.txt");
    String second = add(shares, "b.txt").share().infoHash();
    assertEquals(2.0, value(metrics, "shroud_shares"));
    TestProbe<Boolean> removed = testKit.createTestProbe();
    shares.tell(new SharesActor.RemoveShare(second, removed.getRef()));
    assertTrue(removed.receiveMessage());
    assertEquals(1.0, value(metrics, "shroud_shares"));
    assertEquals(writes + 3, value(metrics, "shroud_journal_write_seconds_count{journal=\"shares\"}"));
    assertTrue(value(metrics, "shroud_journal_write_seconds_sum{journal=\"shares\"}") > 0);
    testKit.stop(shares);

    metrics.shares(99); // whatever it said before, recovery sets it
    ActorRef<SharesActor.Command> again = spawn();
    TestProbe<List<ShareView>> list = testKit.createTestProbe();
    again.tell(new SharesActor.ListShares(list.getRef()));
    assertEquals(1, list.receiveMessage().size());
    assertEquals(1.0, value(metrics, "shroud_shares"));
    testKit.stop(again);
  }
}

package io.shroud.swarm.fetch;

import static io.shroud.testutil.MetricValues.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.ShareMetadata;
import io.shroud.identity.NodeId;
import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.testutil.MetricValues;
import io.shroud.testutil.PersistenceTestConfig;
import io.shroud.testutil.SeededRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a download records in the node's metrics, on the six-node in-memory network of
 * {@link SwarmDownloadTest} (node 0 downloads from nodes 4 and 5 over 3-hop circuits). Every
 * node runs in this class's one actor system, so each test compares a scrape before and after.
 */
class DownloadMetricsTest {
  static final ActorTestKit testKit = ActorTestKit.create(PersistenceTestConfig.CONFIG);
  static final Duration WAIT = Duration.ofSeconds(60);
  static final int PIECE = 32 * 1024;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @TempDir
  Path dir;

  private final NodeMetrics metrics = Metrics.get(testKit.system());

  private DownloadView download(SwarmNet net, ShareMetadata share, long seed) {
    ActorRef<DownloadsActor.Command> downloads = testKit.spawn(DownloadsActor.create(new DownloadActor.Setup(
        net.node(0).id(), dir.resolve("data"), net.node(0).circuits(), net.node(0).lookups(), SwarmSettings.defaults(),
        List.of(net.node(4).id(), net.node(5).id()), Optional.empty(), Clock.systemUTC(), SeededRandom.of(seed))));
    // (the seed makes the download's id, and with it its journal's persistence id: one per test)
    TestProbe<DownloadsActor.StartResult> started = testKit.createTestProbe();
    downloads.tell(new DownloadsActor.StartDownload(share.link().format(), dir.resolve("out.bin").toString(), 3,
        started.ref()));
    String id = assertInstanceOf(DownloadsActor.Started.class, started.receiveMessage(WAIT)).download().id();
    return testKit.createTestProbe().awaitAssert(WAIT, Duration.ofMillis(100), () -> {
      TestProbe<Optional<DownloadView>> probe = testKit.createTestProbe();
      downloads.tell(new DownloadsActor.GetDownload(id, probe.ref()));
      DownloadView v = probe.receiveMessage(WAIT).orElseThrow();
      assertEquals("COMPLETE", v.state(), v::toString);
      return v;
    });
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String sample) {
    return after.get(sample) - before.get(sample);
  }

  @Test
  void aDownloadCountsItsStartCompletionBytesPiecesJournalWritesAndCircuits() throws Exception {
    SwarmNet net = new SwarmNet(testKit, 6, 31);
    ShareMetadata share = SwarmNet.encryptedShare(dir.resolve("src"), "m.bin", 1024 * 1024 + 99, PIECE, 4);
    net.provide(4, share, SwarmSettings.defaults());
    net.provide(5, share, SwarmSettings.defaults());
    Map<String, Double> before = MetricValues.scrape(metrics);

    DownloadView done = download(net, share, 31);

    Map<String, Double> after = MetricValues.scrape(metrics);
    assertEquals(1.0, delta(before, after, "shroud_downloads_started_total"));
    assertEquals(1.0, delta(before, after, "shroud_downloads_completed_total"));
    assertEquals(0.0, delta(before, after, "shroud_downloads_failed_total"));
    assertEquals((double) Files.size(share.dataFile()), delta(before, after, "shroud_download_bytes_total"),
        "each byte of the share verified and kept once");
    assertEquals(done.piecesTotal(), delta(before, after, "shroud_pieces_verified_total"));
    assertEquals(0.0, delta(before, after, "shroud_blocks_failed_total"));
    assertEquals(0.0, delta(before, after, "shroud_source_strikes_total{reason=\"bad_block\"}"));
    // started, piece layer, pieces written (at least one entry), completed
    assertTrue(delta(before, after, "shroud_journal_write_seconds_count{journal=\"download\"}") >= 4);
    assertTrue(delta(before, after, "shroud_circuits_built_total") >= 2, "a circuit to each provider");
  }

  @Test
  void aCorruptingProviderIsStruckForItsBadBlocksUntilBanned() throws Exception {
    SwarmNet net = new SwarmNet(testKit, 6, 32);
    ShareMetadata share = SwarmNet.encryptedShare(dir.resolve("src"), "c.bin", 1024 * 1024 + 77, PIECE, 5);
    // the honest provider is slow so that the corrupting one is asked for (and struck for) blocks
    net.provide(4, share, SwarmSettings.defaults().withUploadRate(256 * 1024, 32 * 1024));
    net.provide(5, share, SwarmSettings.defaults().withCorruptBlocksForTesting(true));
    Map<String, Double> before = MetricValues.scrape(metrics);

    download(net, share, 32);

    Map<String, Double> after = MetricValues.scrape(metrics);
    double strikes = delta(before, after, "shroud_source_strikes_total{reason=\"bad_block\"}");
    assertEquals(SwarmSettings.defaults().maxStrikes(), strikes, "struck until banned, then no more");
    assertTrue(delta(before, after, "shroud_blocks_failed_total") >= strikes);
    assertEquals(1.0, delta(before, after, "shroud_downloads_completed_total"));
    assertEquals((double) Files.size(share.dataFile()), delta(before, after, "shroud_download_bytes_total"),
        "bad blocks are not counted as downloaded bytes");
  }
}

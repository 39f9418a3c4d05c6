package io.shroud.swarm.fetch;

import static io.shroud.swarm.fetch.SwarmDownloadTest.WAIT;
import static io.shroud.swarm.fetch.SwarmDownloadTest.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.Magnet;
import io.shroud.content.ShareMetadata;
import io.shroud.identity.NodeId;
import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import io.shroud.swarm.serve.SharesActor;
import io.shroud.swarm.serve.TransferServiceActor;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.testutil.MetricValues;
import io.shroud.testutil.PersistenceTestConfig;
import io.shroud.testutil.SeededRandom;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads started from a bare magnet ({@code xt=urn:btmh:1220…} and other clients' parameters,
 * no {@code x.pl/x.len/x.root}) on the six-node in-memory network of {@link SwarmDownloadTest}:
 * node 0 fetches the info dictionary from the providers at nodes 4 and 5 through 3-hop
 * circuits, checks it against the info-hash, then downloads as from the full link.
 */
class BareMagnetDownloadTest {
  static final ActorTestKit testKit = ActorTestKit.create(PersistenceTestConfig.CONFIG);
  static final int PIECE = 32 * 1024;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @TempDir
  Path dir;

  private final NodeMetrics metrics = Metrics.get(testKit.system());

  static String bare(ShareMetadata share) {
    return "magnet:?xt=urn:btmh:1220" + share.infoHashHex() + "&dn=x&tr=udp://tracker.example:1";
  }

  private ActorRef<DownloadsActor.Command> downloads(SwarmNet net, List<NodeId> providers, long seed) {
    return testKit.spawn(DownloadsActor.create(new DownloadActor.Setup(net.node(0).id(), dir.resolve("data"),
        net.node(0).circuits(), net.node(0).lookups(), SwarmSettings.defaults(), providers, Optional.empty(),
        Clock.systemUTC(), SeededRandom.of(seed))));
  }

  private static DownloadView start(ActorRef<DownloadsActor.Command> downloads, String link, Path output) {
    TestProbe<DownloadsActor.StartResult> probe = testKit.createTestProbe();
    downloads.tell(new DownloadsActor.StartDownload(link, output.toString(), 3, probe.ref()));
    return assertInstanceOf(DownloadsActor.Started.class, probe.receiveMessage(WAIT)).download();
  }

  private static DownloadView view(ActorRef<DownloadsActor.Command> downloads, String id) {
    TestProbe<Optional<DownloadView>> probe = testKit.createTestProbe();
    downloads.tell(new DownloadsActor.GetDownload(id, probe.ref()));
    return probe.receiveMessage(WAIT).orElseThrow();
  }

  private static DownloadView awaitState(ActorRef<DownloadsActor.Command> downloads, String id, String state) {
    return testKit.createTestProbe().awaitAssert(WAIT, Duration.ofMillis(50), () -> {
      DownloadView v = view(downloads, id);
      assertEquals(state, v.state(), v::toString);
      return v;
    });
  }

  /** A share catalogue that answers every info-hash with {@code share}: a provider that lies about what it serves. */
  static Behavior<SharesActor.Command> lyingCatalogue(ShareMetadata share) {
    return Behaviors.receiveMessage(c -> {
      if (c instanceof SharesActor.GetServable g) {
        g.replyTo().tell(Optional.of(new SharesActor.Servable(share, share.dataFile(), null)));
      }
      return Behaviors.same();
    });
  }

  @Test
  void aBareMagnetFetchesVerifiedMetadataThenDownloadsAndTheFileMatches() throws Exception {
    SwarmNet net = new SwarmNet(testKit, 6, 41);
    ShareMetadata share = SwarmNet.publicShare(dir.resolve("src"), "movie.bin", 700 * 1024 + 9, PIECE, 1);
    net.provide(4, share, SwarmSettings.defaults());
    net.provide(5, share, SwarmSettings.defaults());
    ActorRef<DownloadsActor.Command> downloads = downloads(net, List.of(net.node(4).id(), net.node(5).id()), 41);
    Path output = dir.resolve("out.bin");
    DownloadView started = start(downloads, bare(share), output);
    assertEquals("FETCHING_METADATA", started.state());
    assertEquals(share.infoHashHex(), started.infoHash());

    DownloadView done = awaitState(downloads, started.id(), "COMPLETE");
    assertEquals(sha256(dir.resolve("src").resolve("movie.bin")), sha256(output));
    assertEquals(sha256(output), done.sha256());
    assertEquals("movie.bin", done.name(), "the verified dictionary's name, not dn=x");
  }

  @Test
  void aSourceServingAnotherDictionaryIsStruckAndTheDownloadCompletesFromAnHonestOne() throws Exception {
    SwarmNet net = new SwarmNet(testKit, 6, 42);
    ShareMetadata share = SwarmNet.publicShare(dir.resolve("src"), "real.bin", 300 * 1024 + 1, PIECE, 2);
    ShareMetadata other = SwarmNet.publicShare(dir.resolve("other"), "fake.bin", 300 * 1024 + 1, PIECE, 3);
    // the only provider at first is the liar; the honest one comes up once the liar was asked
    testKit.spawn(TransferServiceActor.create(net.node(5).circuits(), testKit.spawn(lyingCatalogue(other)),
        SwarmSettings.defaults(), Clock.systemUTC()));
    Map<String, Double> before = MetricValues.scrape(metrics);
    ActorRef<DownloadsActor.Command> downloads = downloads(net, List.of(net.node(5).id(), net.node(4).id()), 42);
    Path output = dir.resolve("out.bin");
    String id = start(downloads, bare(share), output).id();
    String strike = "shroud_source_strikes_total{reason=\"bad_metadata\"}";
    testKit.createTestProbe().awaitAssert(WAIT, Duration.ofMillis(50), () -> {
      assertEquals(1.0, MetricValues.scrape(metrics).get(strike) - before.get(strike));
      return null;
    });
    assertEquals("FETCHING_METADATA", view(downloads, id).state());
    net.provide(4, share, SwarmSettings.defaults());

    awaitState(downloads, id, "COMPLETE");
    assertEquals(sha256(dir.resolve("src").resolve("real.bin")), sha256(output));
    assertNotEquals(sha256(dir.resolve("other").resolve("fake.bin")), sha256(output));
  }

  @Test
  void anEncryptedShareNeverAnswersAMetadataRequest() throws Exception {
    SwarmNet net = new SwarmNet(testKit, 6, 43);
    ShareMetadata share = SwarmNet.encryptedShare(dir.resolve("src"), "secret.bin", 100 * 1024, PIECE, 4);
    var provider = net.provide(4, share, SwarmSettings.defaults());
    ActorRef<DownloadsActor.Command> downloads = downloads(net, List.of(net.node(4).id()), 43);
    String id = start(downloads, bare(share), dir.resolve("out.bin")).id();
    testKit.createTestProbe().awaitAssert(WAIT, Duration.ofMillis(50), () -> {
      assertTrue(SwarmDownloadTest.stats(provider).refused() >= 1, "the metadata request is refused");
      return null;
    });
    DownloadView v = view(downloads, id);
    assertEquals("FETCHING_METADATA", v.state(), v::toString);
    assertEquals(0, v.bytesTotal());
    assertEquals(0, SwarmDownloadTest.stats(provider).blocksServed());
  }

  @Test
  void onceVerifiedTheFullLinkIsKeptSoARestartDoesNotFetchMetadataAgain() throws Exception {
    SwarmNet net = new SwarmNet(testKit, 6, 44);
    ShareMetadata share = SwarmNet.publicShare(dir.resolve("src"), "big.bin", 2 * 1024 * 1024 + 3, PIECE, 5);
    SwarmSettings slow = SwarmSettings.defaults().withUploadRate(512 * 1024, 64 * 1024);
    net.provide(4, share, slow);
    List<NodeId> providers = List.of(net.node(4).id());
    ActorRef<DownloadsActor.Command> first = downloads(net, providers, 44);
    Path output = dir.resolve("out.bin");
    String id = start(first, bare(share), output).id();
    awaitState(first, id, "DOWNLOADING");
    DownloadStore store = new DownloadStore(dir.resolve("data"));
    Magnet kept = Magnet.parse(store.readLink(id).orElseThrow());
    assertTrue(kept.metadataKnown(), "the link file holds the full link");
    assertEquals(share.link().format(), kept.shareLink().orElseThrow().format());
    testKit.stop(first, WAIT);

    ActorRef<DownloadsActor.Command> second = downloads(net, providers, 44);
    DownloadView resumed = view(second, id);
    assertNotEquals("FETCHING_METADATA", resumed.state(), resumed::toString);
    assertEquals(share.length(), resumed.bytesTotal(), "the size is known at once");
    awaitState(second, id, "COMPLETE");
    assertEquals(sha256(dir.resolve("src").resolve("big.bin")), sha256(output));
  }
}

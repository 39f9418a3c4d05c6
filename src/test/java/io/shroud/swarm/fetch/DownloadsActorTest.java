package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.RelayInfo;
import io.shroud.content.ShareMetadata;
import io.shroud.hidden.HsLocation;
import io.shroud.hidden.HsPeriod;
import io.shroud.hidden.ShareSecret;
import io.shroud.identity.NodeId;
import io.shroud.lookup.RecordLookup;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.swarm.serve.SharesActor;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.testutil.PersistenceTestConfig;
import io.shroud.testutil.SeededRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code POST /shroud/v1/downloads} refuses, and that the link never reaches the journal. */
class DownloadsActorTest {
  static final ActorTestKit testKit = ActorTestKit.create(PersistenceTestConfig.CONFIG);
  static final Duration WAIT = Duration.ofSeconds(10);
  static int instances;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @TempDir
  Path dir;

  ShareMetadata share;
  ActorRef<DownloadsActor.Command> downloads;
  TestProbe<CircuitsActor.Command> circuits;
  TestProbe<RecordLookupsActor.Command> lookups;

  @BeforeEach
  void setUp() throws Exception {
    share = SwarmNet.encryptedShare(dir.resolve("src"), "h.bin", 100_000, 16384, 9);
    circuits = testKit.createTestProbe();
    lookups = testKit.createTestProbe();
    NodeId self = NodeId.ofIdentityKey(new byte[] {42, (byte) ++instances});
    downloads = testKit.spawn(DownloadsActor.create(new DownloadActor.Setup(self, dir.resolve("data"),
        circuits.ref(), lookups.ref(), SwarmSettings.defaults(), List.of(), java.util.Optional.empty(), Clock.systemUTC(), SeededRandom.of(instances))));
  }

  /** Stops the downloads (and their files' writers) before the temporary directory is deleted. */
  @org.junit.jupiter.api.AfterEach
  void stopDownloads() {
    testKit.stop(downloads, WAIT);
  }

  private DownloadsActor.StartResult start(String link, String output, Integer hops) {
    TestProbe<DownloadsActor.StartResult> probe = testKit.createTestProbe();
    downloads.tell(new DownloadsActor.StartDownload(link, output, hops, probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  private void rejected(int status, String fragment, DownloadsActor.StartResult result) {
    DownloadsActor.Rejected r = assertInstanceOf(DownloadsActor.Rejected.class, result);
    assertEquals(status, r.status(), r::toString);
    assertTrue(r.message().contains(fragment), r.message());
  }

  /**
   * Seeding after a download is on by default and can be turned off per download ({@code
   * "seed": false}): the start leaves a mark the finished download reads. Two downloads complete
   * on recovery with a share catalogue to seed to: the unmarked one is handed to it, the marked
   * one is not.
   */
  @Test
  void aDownloadStartedWithSeedFalseIsNotSharedWhenComplete() throws Exception {
    TestProbe<DownloadsActor.StartResult> probe = testKit.createTestProbe();
    downloads.tell(new DownloadsActor.StartDownload(share.link().format(), dir.resolve("marked.bin").toString(), 1,
        null, null, false, probe.ref()));
    String started = assertInstanceOf(DownloadsActor.Started.class, probe.receiveMessage(WAIT)).download().id();
    DownloadStore store = new DownloadStore(dir.resolve("data"));
    assertFalse(store.seeds(started), "the start marked the download as not seeded");
    assertFalse(store.seeds(started + "-3"), "nor any file of it, were it a folder");

    NodeId self = NodeId.ofIdentityKey(new byte[] {44, (byte) ++instances});
    TestProbe<SharesActor.Command> shares = testKit.createTestProbe();
    var journal = org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit.create(testKit.system());
    List<Object> registered = new java.util.ArrayList<>();
    for (String id : List.of("aa00000000000001", "aa00000000000002")) {
      Path output = dir.resolve(id + ".bin");
      store.writeLink(id, share.link().format());
      Files.copy(share.dataFile(), store.partFile(id));
      int pieces = share.info().geometry().pieceCount();
      journal.persistForRecovery("download|" + id, List.of(
          new DownloadEvent.DownloadStarted(id, share.infoHashHex(), output.toString(), 1, java.time.Instant.now()),
          new DownloadEvent.PieceLayerVerified(share.tree().pieceLayerBytes()),
          new DownloadEvent.PiecesVerified(java.util.stream.IntStream.range(0, pieces).toArray())));
      registered.add(new DownloadsActor.DownloadRegistered(id, output.toString(), java.time.Instant.now()));
    }
    store.markNoSeed("aa00000000000002");
    journal.persistForRecovery("downloads|" + self.toHex(), registered);
    ActorRef<DownloadsActor.Command> recovered = testKit.spawn(DownloadsActor.create(new DownloadActor.Setup(self,
        dir.resolve("data"), circuits.ref(), lookups.ref(), SwarmSettings.defaults(), List.of(),
        java.util.Optional.of(shares.ref()), Clock.systemUTC(), SeededRandom.of(78))));
    SharesActor.AdoptDownload adopt = shares.expectMessageClass(SharesActor.AdoptDownload.class, WAIT);
    assertEquals(dir.resolve("aa00000000000001.bin"), adopt.output());
    for (String id : List.of("aa00000000000001", "aa00000000000002")) {
      testKit.createTestProbe().awaitAssert(WAIT, () -> {
        TestProbe<java.util.Optional<DownloadView>> v = testKit.createTestProbe();
        recovered.tell(new DownloadsActor.GetDownload(id, v.ref()));
        assertEquals("COMPLETE", v.receiveMessage(WAIT).orElseThrow().state());
        return null;
      });
    }
    shares.expectNoMessage(Duration.ofMillis(500)); // the marked download was not handed over
    testKit.stop(recovered, WAIT);
  }

  @Test
  void aDownloadWhoseEveryPieceIsJournaledFinishesOnRecoveryWithoutAnyProvider() throws Exception {
    NodeId self = NodeId.ofIdentityKey(new byte[] {43, (byte) ++instances});
    String id = "00112233445566" + String.format("%02x", instances);
    Path output = dir.resolve("recovered.bin");
    DownloadStore store = new DownloadStore(dir.resolve("data"));
    store.writeLink(id, share.link().format());
    Files.copy(share.dataFile(), store.partFile(id));
    List<Object> events = new java.util.ArrayList<>();
    events.add(new DownloadEvent.DownloadStarted(id, share.infoHashHex(), output.toString(), 3, java.time.Instant.now()));
    events.add(new DownloadEvent.PieceLayerVerified(share.tree().pieceLayerBytes()));
    int pieces = share.info().geometry().pieceCount();
    for (int p = 0; p < pieces / 2; p++) {
      events.add(new DownloadEvent.PieceVerified(p)); // a journal from before PiecesVerified
    }
    events.add(new DownloadEvent.PiecesVerified(java.util.stream.IntStream.range(pieces / 2, pieces).toArray()));
    var journal = org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit.create(testKit.system());
    journal.persistForRecovery("download|" + id, events);
    journal.persistForRecovery("downloads|" + self.toHex(),
        List.of(new DownloadsActor.DownloadRegistered(id, output.toString(), java.time.Instant.now())));

    ActorRef<DownloadsActor.Command> recovered = testKit.spawn(DownloadsActor.create(new DownloadActor.Setup(self,
        dir.resolve("data"), circuits.ref(), lookups.ref(), SwarmSettings.defaults(), List.of(), java.util.Optional.empty(),
        Clock.systemUTC(), SeededRandom.of(77))));
    DownloadView done = testKit.createTestProbe().awaitAssert(WAIT, () -> {
      TestProbe<java.util.Optional<DownloadView>> v = testKit.createTestProbe();
      recovered.tell(new DownloadsActor.GetDownload(id, v.ref()));
      DownloadView view = v.receiveMessage(WAIT).orElseThrow();
      assertEquals("COMPLETE", view.state(), view::toString);
      return view;
    });
    assertEquals("h.bin", done.name());
    assertTrue(java.util.Arrays.equals(Files.readAllBytes(dir.resolve("src/h.bin")), Files.readAllBytes(output)));
    lookups.expectNoMessage(Duration.ofMillis(200)); // no provider lookup was needed
    testKit.stop(recovered, WAIT);
    circuits.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void badArgumentsAreRefusedWithTheirStatus() throws Exception {
    String link = share.link().format();
    String out = dir.resolve("out.bin").toString();
    rejected(400, "bad link", start("shroud:?nonsense", out, 3));
    rejected(400, "absolute", start(link, "relative/out.bin", 3));
    rejected(400, "does not exist", start(link, dir.resolve("nope/out.bin").toString(), 3));
    rejected(400, "hops", start(link, out, 5));
    Files.writeString(dir.resolve("taken.bin"), "x");
    rejected(409, "exists", start(link, dir.resolve("taken.bin").toString(), 3));
  }

  /**
   * A download's search for sources: it asks the circuits for the relays, then looks the share's
   * hidden descriptor up at its blinded location {@code L_n} (protocol §11.3) through a circuit
   * of the download's hops; no key derived from the info-hash alone is ever asked for.
   */
  private RecordLookupsActor.LookupRecord expectDescriptorLookup() throws Exception {
    CircuitsActor.GetRelays relays = circuits.expectMessageClass(CircuitsActor.GetRelays.class, WAIT);
    relays.replyTo().tell(new CircuitsActor.Relays(List.of(new RelayInfo(NodeId.ofIdentityKey(new byte[] {7}),
        (java.net.Inet4Address) java.net.InetAddress.getByName("127.9.0.1"), 1000, java.util.Set.of()))));
    RecordLookupsActor.LookupRecord lookup = lookups.expectMessageClass(RecordLookupsActor.LookupRecord.class, WAIT);
    assertEquals(SwarmSettings.defaults().defaultHops(), lookup.hops());
    ShareSecret secret = ShareSecret.of(share.link());
    assertTrue(new HsPeriod(Clock.systemUTC()).lookupPeriods().stream()
        .anyMatch(n -> java.util.Arrays.equals(HsLocation.of(secret, n).location(), lookup.key())),
        "looked up at a blinded location of the share");
    return lookup;
  }

  @Test
  void aStartedDownloadLooksUpItsHiddenSeedersThroughACircuitAndKeepsItsKeyOutOfTheJournal() throws Exception {
    String out = dir.resolve("out.bin").toString();
    DownloadsActor.Started started = assertInstanceOf(DownloadsActor.Started.class, start(share.link().format(), out, null));
    expectDescriptorLookup().replyTo().tell(new RecordLookup(List.of(), List.of(), null));
    rejected(409, "taken", start(share.link().format(), out, 3));

    String key = java.util.HexFormat.of().formatHex(share.link().key().orElseThrow().bytes());
    String keyB64 = share.link().key().orElseThrow().toBase64Url();
    for (Object e : org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit.create(testKit.system())
        .persistedInStorage("download|" + started.download().id())) {
      assertTrue(!e.toString().contains(key) && !e.toString().contains(keyB64), "no key material in " + e);
    }
    Path linkFile = dir.resolve("data/downloads/" + started.download().id() + ".link");
    assertEquals(share.link().format(), Files.readString(linkFile));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(linkFile)));
    testKit.createTestProbe().awaitAssert(WAIT, () -> {
      TestProbe<java.util.Optional<DownloadView>> v = testKit.createTestProbe();
      downloads.tell(new DownloadsActor.GetDownload(started.download().id(), v.ref()));
      DownloadView view = v.receiveMessage(WAIT).orElseThrow();
      assertEquals("FINDING_PROVIDERS", view.state());
      assertEquals("h.bin", view.name());
      return null;
    });
  }

  @Test
  void aDownloadWhoseActorIsKilledIsRecoveredFromItsJournalAndKeepsAnswering() throws Exception {
    String out = dir.resolve("killed.bin").toString();
    DownloadsActor.Started started = assertInstanceOf(DownloadsActor.Started.class, start(share.link().format(), out, null));
    expectDescriptorLookup(); // left unanswered
    org.apache.pekko.actor.ActorRef download = org.apache.pekko.actor.typed.javadsl.Adapter
        .toClassic(testKit.system())
        .actorSelection(downloads.path().child("download-" + started.download().id()))
        .resolveOne(WAIT).toCompletableFuture().get();
    download.tell(org.apache.pekko.actor.Kill.getInstance(), org.apache.pekko.actor.ActorRef.noSender());

    // the download comes back from its journal and looks for its seeders again
    expectDescriptorLookup();
    testKit.createTestProbe().awaitAssert(WAIT, () -> {
      TestProbe<java.util.Optional<DownloadView>> v = testKit.createTestProbe();
      downloads.tell(new DownloadsActor.GetDownload(started.download().id(), v.ref()));
      assertEquals("FINDING_PROVIDERS", v.receiveMessage(WAIT).orElseThrow().state());
      return null;
    });
  }
}

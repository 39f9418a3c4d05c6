package io.shroud.swarm.fetch;

import static io.shroud.swarm.fetch.SwarmDownloadTest.WAIT;
import static io.shroud.swarm.fetch.SwarmDownloadTest.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.ShareMetadata;
import io.shroud.identity.NodeId;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.testutil.PersistenceTestConfig;
import io.shroud.testutil.SeededRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A download and the files around it (issue 25): it never writes through, truncates or deletes
 * an {@code <output>.part} it did not make, never replaces a file at its output, and keeps its
 * piece layer in a file whose SHA-256 alone is journaled.
 */
class DownloadFilesTest {
  static final ActorTestKit testKit = ActorTestKit.create(PersistenceTestConfig.CONFIG);
  static final int PIECE = 32 * 1024;
  static int instances;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @TempDir
  Path dir;

  private ActorRef<DownloadsActor.Command> downloads(SwarmNet net, List<NodeId> providers) {
    return testKit.spawn(DownloadsActor.create(new DownloadActor.Setup(net.node(0).id(), dir.resolve("data"),
        net.node(0).circuits(), net.node(0).lookups(), SwarmSettings.defaults(), providers, Optional.empty(),
        Clock.systemUTC(), SeededRandom.of(net.node(0).id().hashCode()))));
  }

  private static DownloadsActor.StartResult start(ActorRef<DownloadsActor.Command> downloads, ShareMetadata share,
      Path output) {
    TestProbe<DownloadsActor.StartResult> probe = testKit.createTestProbe();
    downloads.tell(new DownloadsActor.StartDownload(share.link().format(), output.toString(), 3, probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  private static DownloadView awaitState(ActorRef<DownloadsActor.Command> downloads, String id, String state) {
    return testKit.createTestProbe().awaitAssert(WAIT, Duration.ofMillis(50), () -> {
      TestProbe<Optional<DownloadView>> probe = testKit.createTestProbe();
      downloads.tell(new DownloadsActor.GetDownload(id, probe.ref()));
      DownloadView v = probe.receiveMessage(WAIT).orElseThrow();
      assertEquals(state, v.state(), v::toString);
      return v;
    });
  }

  @Test
  void aFileOrLinkAtTheOutputsPartSiblingRefusesTheStartWith409AndIsLeftAlone() throws Exception {
    SwarmNet net = new SwarmNet(testKit, 6, 41);
    ShareMetadata share = SwarmNet.encryptedShare(dir.resolve("src"), "a.bin", 200_000, PIECE, 1);
    ActorRef<DownloadsActor.Command> downloads = downloads(net, List.of());
    Path theirs = Files.writeString(dir.resolve("out.bin.part"), "someone's half-finished work");
    var refused = assertInstanceOf(DownloadsActor.Rejected.class, start(downloads, share, dir.resolve("out.bin")));
    assertEquals(409, refused.status());
    assertTrue(refused.message().contains("out.bin.part"), refused.message());
    Path target = Files.writeString(dir.resolve("authorized_keys"), "ssh-ed25519 AAAA owner");
    Files.createSymbolicLink(dir.resolve("other.bin.part"), target);
    assertEquals(409, assertInstanceOf(DownloadsActor.Rejected.class,
        start(downloads, share, dir.resolve("other.bin"))).status());
    Files.createSymbolicLink(dir.resolve("linked.bin"), dir.resolve("nowhere"));
    assertEquals(409, assertInstanceOf(DownloadsActor.Rejected.class,
        start(downloads, share, dir.resolve("linked.bin"))).status(), "a link at the output, even to nowhere, is taken");
    assertEquals("someone's half-finished work", Files.readString(theirs));
    assertEquals("ssh-ed25519 AAAA owner", Files.readString(target));
  }

  @Test
  void cancelNeverDeletesAPartFileTheDownloadDidNotCreate() throws Exception {
    SwarmNet net = new SwarmNet(testKit, 6, 42);
    ShareMetadata share = SwarmNet.encryptedShare(dir.resolve("src"), "b.bin", 2 * 1024 * 1024, PIECE, 2);
    net.provide(4, share, SwarmSettings.defaults().withUploadRate(256 * 1024, 32 * 1024));
    ActorRef<DownloadsActor.Command> downloads = downloads(net, List.of(net.node(4).id()));
    Path output = dir.resolve("out.bin");
    String id = assertInstanceOf(DownloadsActor.Started.class, start(downloads, share, output)).download().id();
    Path plaintext = dir.resolve("out.bin.part");
    testKit.createTestProbe().awaitAssert(WAIT, Duration.ofMillis(20), () -> {
      assertTrue(Files.exists(plaintext), "the download made its own .part");
      return null;
    });
    // someone else's file takes the name while the download runs
    Files.delete(plaintext);
    Files.writeString(plaintext, "not the download's");
    TestProbe<Optional<DownloadView>> probe = testKit.createTestProbe();
    downloads.tell(new DownloadsActor.Cancel(id, probe.ref()));
    assertEquals("CANCELLED", probe.receiveMessage(WAIT).orElseThrow().state());
    Path part = new DownloadStore(dir.resolve("data")).partFile(id);
    testKit.createTestProbe().awaitAssert(WAIT, () -> {
      assertFalse(Files.exists(part), "the download's own files are deleted");
      return null;
    });
    assertEquals("not the download's", Files.readString(plaintext));
  }

  /**
   * The journal of a download whose every piece is written, as a crash right before its output
   * was produced leaves it: on recovery it finishes at once, without any provider.
   */
  private String journalCompleteDownload(NodeId self, ShareMetadata share, Path output, boolean layerFile)
      throws Exception {
    String id = String.format("00aa00bb00cc%04x", ++instances);
    DownloadStore store = new DownloadStore(dir.resolve("data"));
    store.writeLink(id, share.link().format());
    Files.copy(share.dataFile(), store.partFile(id));
    List<Object> events = new ArrayList<>();
    events.add(new DownloadEvent.DownloadStarted(id, share.infoHashHex(), output.toString(), 3, Instant.now()));
    byte[] layer = share.tree().pieceLayerBytes();
    events.add(layerFile ? new DownloadEvent.PieceLayerStored(store.writeLayer(id, layer))
        : new DownloadEvent.PieceLayerVerified(layer));
    events.add(new DownloadEvent.PiecesVerified(IntStream.range(0, share.info().geometry().pieceCount()).toArray()));
    PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
    journal.persistForRecovery("download|" + id, events);
    journal.persistForRecovery("downloads|" + self.toHex(),
        List.of(new DownloadsActor.DownloadRegistered(id, output.toString(), Instant.now())));
    return id;
  }

  @Test
  void anOutputThatAppearedBeforeTheCommitFailsTheDownloadAndIsNeverReplaced() throws Exception {
    SwarmNet net = new SwarmNet(testKit, 2, 43);
    for (boolean encrypted : new boolean[] {false, true}) {
      ShareMetadata share = encrypted
          ? SwarmNet.encryptedShare(dir.resolve("src"), "e.bin", 300_000, PIECE, 3)
          : SwarmNet.publicShare(dir.resolve("src"), "p.bin", 300_000, PIECE, 3);
      NodeId self = NodeId.ofIdentityKey(new byte[] {44, (byte) ++instances});
      Path output = dir.resolve("out-" + encrypted + ".bin");
      String id = journalCompleteDownload(self, share, output, true);
      Files.writeString(output, "created while the download ran");
      ActorRef<DownloadsActor.Command> downloads = testKit.spawn(DownloadsActor.create(new DownloadActor.Setup(self,
          dir.resolve("data"), net.node(0).circuits(), net.node(0).lookups(), SwarmSettings.defaults(), List.of(),
          Optional.empty(), Clock.systemUTC(), SeededRandom.of(5))));
      DownloadView failed = awaitState(downloads, id, "FAILED");
      assertTrue(failed.error().contains("appeared meanwhile"), failed.error());
      assertEquals("created while the download ran", Files.readString(output));
      assertArrayEquals(Files.readAllBytes(share.dataFile()),
          Files.readAllBytes(new DownloadStore(dir.resolve("data")).partFile(id)), "the part file is kept");
      testKit.stop(downloads, WAIT);
    }
  }

  @Test
  void theLayerIsReadFromItsFileOnRecoveryAndAnOlderJournalsInlineLayerStillRecovers() throws Exception {
    SwarmNet net = new SwarmNet(testKit, 2, 44);
    ShareMetadata share = SwarmNet.encryptedShare(dir.resolve("src"), "l.bin", 300_000, PIECE, 4);
    for (boolean layerFile : new boolean[] {true, false}) {
      NodeId self = NodeId.ofIdentityKey(new byte[] {45, (byte) ++instances});
      Path output = dir.resolve("out-" + layerFile + ".bin");
      String id = journalCompleteDownload(self, share, output, layerFile);
      TestProbe<io.shroud.lookup.RecordLookupsActor.Command> lookups = testKit.createTestProbe();
      ActorRef<DownloadsActor.Command> downloads = testKit.spawn(DownloadsActor.create(new DownloadActor.Setup(self,
          dir.resolve("data"), net.node(0).circuits(), lookups.ref(), SwarmSettings.defaults(), List.of(),
          Optional.empty(), Clock.systemUTC(), SeededRandom.of(6))));
      awaitState(downloads, id, "COMPLETE");
      assertEquals(sha256(dir.resolve("src").resolve("l.bin")), sha256(output));
      lookups.expectNoMessage(Duration.ofMillis(200)); // the layer needed no provider
      assertFalse(Files.exists(new DownloadStore(dir.resolve("data")).layerFile(id)), "gone once complete");
      testKit.stop(downloads, WAIT);
    }
  }

  @Test
  void aDamagedLayerFileIsDetectedOnResumeAndTheLayerIsFetchedAgain() throws Exception {
    SwarmNet net = new SwarmNet(testKit, 6, 45);
    ShareMetadata share = SwarmNet.encryptedShare(dir.resolve("src"), "d.bin", 2 * 1024 * 1024, PIECE, 5);
    var provider = net.provide(4, share, SwarmSettings.defaults().withUploadRate(1 << 20, 64 * 1024));
    List<NodeId> providers = List.of(net.node(4).id());
    ActorRef<DownloadsActor.Command> first = downloads(net, providers);
    Path output = dir.resolve("out.bin");
    String id = assertInstanceOf(DownloadsActor.Started.class, start(first, share, output)).download().id();
    PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
    testKit.createTestProbe().awaitAssert(WAIT, Duration.ofMillis(20), () -> {
      assertTrue(journal.persistedInStorage("download|" + id).stream()
          .filter(e -> e instanceof DownloadEvent.PiecesVerified).count() >= 2);
      return null;
    });
    testKit.stop(first, WAIT);
    BitSet before = new BitSet();
    for (Object e : journal.persistedInStorage("download|" + id)) {
      if (e instanceof DownloadEvent.PiecesVerified v) {
        java.util.Arrays.stream(v.indices()).forEach(before::set);
      }
      assertFalse(e instanceof DownloadEvent.PieceLayerVerified, "the layer itself is not journaled");
    }
    Path layer = new DownloadStore(dir.resolve("data")).layerFile(id);
    byte[] damaged = Files.readAllBytes(layer);
    damaged[40] ^= 1;
    Files.write(layer, damaged);
    // and a journaled piece damaged in the part file: the re-check after the layer is fetched again finds it
    int hurt = before.previousSetBit(before.length());
    try (var ch = java.nio.channels.FileChannel.open(new DownloadStore(dir.resolve("data")).partFile(id),
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {0x13, 0x37}), (long) hurt * PIECE + 100);
    }
    before.clear(hurt);
    SwarmDownloadTest.served(provider, share, true);

    ActorRef<DownloadsActor.Command> second = downloads(net, providers);
    awaitState(second, id, "COMPLETE");
    assertEquals(sha256(dir.resolve("src").resolve("d.bin")), sha256(output));
    assertEquals(2, journal.persistedInStorage("download|" + id).stream()
        .filter(e -> e instanceof DownloadEvent.PieceLayerStored).count(), "the layer was fetched and stored again");
    BitSet again = SwarmDownloadTest.served(provider, share, false);
    assertTrue(again.get(hurt), "the damaged piece was found and fetched again");
    again.and(before);
    assertTrue(again.isEmpty(), "pieces verified before the restart were fetched again: " + again);
  }
}

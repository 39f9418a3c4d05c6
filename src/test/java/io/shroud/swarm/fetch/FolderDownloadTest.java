package io.shroud.swarm.fetch;

import static io.shroud.swarm.fetch.SwarmDownloadTest.WAIT;
import static io.shroud.swarm.fetch.SwarmDownloadTest.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.Folder;
import io.shroud.content.Metainfo;
import io.shroud.identity.NodeId;
import io.shroud.swarm.serve.ShareView;
import io.shroud.swarm.serve.SharesActor;
import io.shroud.swarm.serve.TransferServiceActor;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.testutil.PersistenceTestConfig;
import io.shroud.testutil.SeededRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folder downloads on the six-node in-memory network of {@link SwarmDownloadTest}: a public
 * folder shared by a real share catalogue at node 4 is fetched by node 0 through 3-hop circuits,
 * from its bare link (the folder's info dictionary by metadata exchange, then one download per
 * file) or from its {@code .torrent} with some files selected; every file is identical, the
 * empty file is created, unselected files are not written.
 */
class FolderDownloadTest {
  static final ActorTestKit testKit = ActorTestKit.create(PersistenceTestConfig.CONFIG);
  static final int PIECE = 32 * 1024;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @TempDir
  Path dir;

  /** A folder of five files (one empty, two in subfolders, one over several pieces) shared by a catalogue at node 4. */
  private Folder shareFolder(SwarmNet net, int node) throws Exception {
    return shareFolder(net, node, true);
  }

  private Folder shareFolder(SwarmNet net, int node, boolean publicShare) throws Exception {
    Path top = Files.createDirectories(dir.resolve("src").resolve("album"));
    Files.createDirectories(top.resolve("disc 1"));
    Files.createDirectories(top.resolve("extras/notes"));
    Random r = new Random(5);
    byte[] big = new byte[5 * PIECE + 123];
    r.nextBytes(big);
    Files.write(top.resolve("disc 1/track.bin"), big);
    Files.write(top.resolve("cover.txt"), "cover\n".getBytes());
    Files.write(top.resolve("empty.txt"), new byte[0]);
    Files.write(top.resolve("extras/notes/readme.md"), "# notes\n".getBytes());
    byte[] mid = new byte[PIECE + 1];
    r.nextBytes(mid);
    Files.write(top.resolve("z.bin"), mid);
    ActorRef<SharesActor.Command> shares = testKit.spawn(SharesActor.create(net.node(node).id(),
        dir.resolve("provider-data-" + node), Clock.systemUTC()));
    TestProbe<SharesActor.AddResult> added = testKit.createTestProbe();
    shares.tell(new SharesActor.AddShare(top, publicShare, PIECE, added.ref()));
    ShareView view = assertInstanceOf(SharesActor.Added.class, added.receiveMessage(WAIT)).share();
    assertEquals(5, view.files());
    testKit.spawn(TransferServiceActor.create(net.node(node).circuits(), shares, SwarmSettings.defaults(),
        Clock.systemUTC()));
    if (!publicShare) {
      assertTrue(view.encrypted());
      io.shroud.content.Magnet link = io.shroud.content.Magnet.parse(view.link());
      TestProbe<Optional<SharesActor.Servable>> servable = testKit.createTestProbe();
      shares.tell(new SharesActor.GetServable(view.infoHash(), servable.ref()));
      return Folder.parse(servable.receiveMessage(WAIT).orElseThrow().folderInfo(), link.folderKey().orElseThrow());
    }
    TestProbe<Optional<byte[]>> torrent = testKit.createTestProbe();
    shares.tell(new SharesActor.FolderTorrent(view.infoHash(), torrent.ref()));
    return Folder.of(Metainfo.parse(torrent.receiveMessage(WAIT).orElseThrow()));
  }

  private ActorRef<DownloadsActor.Command> downloads(SwarmNet net, List<NodeId> providers, long seed) {
    return downloads(net, providers, seed, Optional.empty());
  }

  private ActorRef<DownloadsActor.Command> downloads(SwarmNet net, List<NodeId> providers, long seed,
      Optional<ActorRef<SharesActor.Command>> seedTo) {
    return testKit.spawn(DownloadsActor.create(new DownloadActor.Setup(net.node(0).id(), dir.resolve("data"),
        net.node(0).circuits(), net.node(0).lookups(), SwarmSettings.defaults(), providers, seedTo,
        Clock.systemUTC(), SeededRandom.of(seed))));
  }

  private static DownloadsActor.StartResult start(ActorRef<DownloadsActor.Command> downloads, String link,
      Path output, byte[] metadata, String files) {
    TestProbe<DownloadsActor.StartResult> probe = testKit.createTestProbe();
    downloads.tell(new DownloadsActor.StartDownload(link, output.toString(), 3, metadata, files, probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  private static DownloadView view(ActorRef<DownloadsActor.Command> downloads, String id) {
    TestProbe<Optional<DownloadView>> probe = testKit.createTestProbe();
    downloads.tell(new DownloadsActor.GetDownload(id, probe.ref()));
    return probe.receiveMessage(WAIT).orElseThrow();
  }

  private static DownloadView awaitComplete(ActorRef<DownloadsActor.Command> downloads, String id) {
    return testKit.createTestProbe().awaitAssert(Duration.ofSeconds(60), Duration.ofMillis(100), () -> {
      DownloadView v = view(downloads, id);
      assertEquals("COMPLETE", v.state(), v::toString);
      return v;
    });
  }

  @Test
  void aFoldersBareLinkFetchesItsDictionaryThenEveryFileIdentically() throws Exception {
    SwarmNet net = new SwarmNet(testKit, 6, 51);
    Folder folder = shareFolder(net, 4);
    ActorRef<SharesActor.Command> catalogue = testKit.spawn(SharesActor.create(net.node(0).id(),
        dir.resolve("data"), Clock.systemUTC()));
    ActorRef<DownloadsActor.Command> downloads = downloads(net, List.of(net.node(4).id()), 51,
        Optional.of(catalogue));
    Path out = dir.resolve("got").resolve("album");
    Files.createDirectories(out.getParent());
    DownloadView started = assertInstanceOf(DownloadsActor.Started.class,
        start(downloads, folder.link(), out, null, null)).download();
    assertEquals("FETCHING_METADATA", started.state());

    DownloadView done = awaitComplete(downloads, started.id());
    assertEquals(folder.infoHashHex(), done.infoHash());
    assertEquals(folder.totalLength(), done.bytesTotal());
    assertEquals(List.of("cover.txt", "disc 1/track.bin", "empty.txt", "extras/notes/readme.md", "z.bin"),
        done.files().stream().map(DownloadView.FileView::path).toList());
    for (Metainfo.FileEntry f : folder.files()) {
      Path mine = out.resolve(String.join("/", f.path()));
      assertArrayEquals(Files.readAllBytes(dir.resolve("src/album").resolve(String.join("/", f.path()))),
          Files.readAllBytes(mine), f.pathText());
    }
    try (var listed = Files.walk(out)) {
      assertEquals(0, listed.filter(p -> p.toString().endsWith(".part")).count(), "no part file is left");
    }
    // the list shows the folder once, not its files' downloads
    TestProbe<List<DownloadView>> all = testKit.createTestProbe();
    downloads.tell(new DownloadsActor.GetDownloads(all.ref()));
    List<DownloadView> listed = all.receiveMessage(WAIT);
    assertEquals(List.of(started.id()), listed.stream().map(DownloadView::id).toList());
    // a file's own download answers by its id
    String trackId = done.files().get(1).downloadId();
    assertEquals(sha256(dir.resolve("src/album/disc 1/track.bin")), view(downloads, trackId).sha256());
    // downloaded whole, the folder is seeded: its record joins its files' shares here
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
      TestProbe<List<io.shroud.swarm.serve.ShareView>> shares = testKit.createTestProbe();
      catalogue.tell(new SharesActor.ListShares(shares.ref()));
      List<io.shroud.swarm.serve.ShareView> seeding = shares.receiveMessage(WAIT);
      io.shroud.swarm.serve.ShareView record = seeding.stream().filter(v -> v.infoHash().equals(folder.infoHashHex()))
          .findFirst().orElseThrow(() -> new AssertionError("no folder record among " + seeding));
      assertEquals(5, record.files());
      assertFalse(record.stale(), record::staleReason);
      assertEquals(4, seeding.stream().filter(v -> folder.infoHashHex().equals(v.memberOf())).count());
      return null;
    });
  }

  @Test
  void aTorrentsSelectedFilesAreFetchedAndTheOthersNeverWritten() throws Exception {
    SwarmNet net = new SwarmNet(testKit, 6, 52);
    Folder folder = shareFolder(net, 4);
    ActorRef<DownloadsActor.Command> downloads = downloads(net, List.of(net.node(4).id()), 52);
    Path out = dir.resolve("some");
    DownloadView started = assertInstanceOf(DownloadsActor.Started.class,
        start(downloads, folder.link(), out, folder.infoBytes(), "2-3,5")).download();
    assertEquals("DOWNLOADING", started.state(), "the dictionary came with the request: no metadata phase");
    DownloadView done = awaitComplete(downloads, started.id());
    assertEquals(5 * PIECE + 123 + PIECE + 1, done.bytesTotal());
    assertEquals(List.of(false, true, true, false, true),
        done.files().stream().map(DownloadView.FileView::selected).toList());
    assertTrue(Files.exists(out.resolve("disc 1/track.bin")));
    assertEquals(0, Files.size(out.resolve("empty.txt")));
    assertTrue(Files.exists(out.resolve("z.bin")));
    assertFalse(Files.exists(out.resolve("cover.txt")));
    assertFalse(Files.exists(out.resolve("extras")), "no directory for an unselected file");
    assertNull(done.files().get(0).downloadId());
  }

  @Test
  void anEncryptedFoldersLinkOpensItsSealedTreeAndFetchesEveryFile() throws Exception {
    SwarmNet net = new SwarmNet(testKit, 6, 54);
    Folder folder = shareFolder(net, 4, false);
    assertTrue(folder.encrypted());
    String info = new String(folder.infoBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    for (String secret : List.of("album", "track.bin", "cover.txt", "notes")) {
      assertFalse(info.contains(secret), "the dictionary the network carries names no file: " + secret);
    }
    ActorRef<DownloadsActor.Command> downloads = downloads(net, List.of(net.node(4).id()), 54);
    Path out = dir.resolve("sealed");
    DownloadView started = assertInstanceOf(DownloadsActor.Started.class,
        start(downloads, folder.link(), out, null, "2-5")).download();
    DownloadView done = awaitComplete(downloads, started.id());
    assertEquals("album", done.name());
    for (int n = 2; n <= 5; n++) {
      Metainfo.FileEntry f = folder.files().get(n - 1);
      assertArrayEquals(Files.readAllBytes(dir.resolve("src/album").resolve(String.join("/", f.path()))),
          Files.readAllBytes(out.resolve(String.join("/", f.path()))), f.pathText());
    }
    assertFalse(Files.exists(out.resolve("cover.txt")));
    // the folder's key lives in its link file only: without it the folder answers 404, and the
    // downloads actor keeps answering (no crash loop over a dictionary it cannot open)
    testKit.stop(downloads, WAIT);
    Files.delete(dir.resolve("data/downloads").resolve(started.id() + ".link"));
    ActorRef<DownloadsActor.Command> again = downloads(net, List.of(net.node(4).id()), 54);
    for (int i = 0; i < 2; i++) {
      TestProbe<Optional<DownloadView>> probe = testKit.createTestProbe();
      again.tell(new DownloadsActor.GetDownload(started.id(), probe.ref()));
      assertTrue(probe.receiveMessage(WAIT).isEmpty());
    }
    // a wrong key opens nothing
    String wrong = "magnet:?xt=urn:btmh:1220" + folder.infoHashHex() + "&x.fk=" + "A".repeat(43);
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Folder.parse(
        folder.infoBytes(), io.shroud.content.Magnet.parse(wrong).folderKey().orElseThrow()));
  }

  @Test
  void aFolderDownloadStoppedHalfwayResumesFromItsJournalsAndCompletes() throws Exception {
    SwarmNet net = new SwarmNet(testKit, 6, 55);
    Folder folder = shareFolder(net, 4);
    // first run: node 3 shares nothing, so the files' downloads start and wait for a source (a
    // stop while a file is being committed is DownloadFinisher's own case, not this test's)
    ActorRef<DownloadsActor.Command> first = downloads(net, List.of(net.node(3).id()), 55);
    Path out = dir.resolve("resumed");
    String id = assertInstanceOf(DownloadsActor.Started.class,
        start(first, folder.link(), out, folder.infoBytes(), null)).download().id();
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(60), Duration.ofMillis(50), () -> {
      DownloadView v = view(first, id);
      assertTrue(v.files().stream().filter(f -> f.length() > 0)
          .allMatch(f -> !f.state().equals("STARTING")), v::toString);
      return null;
    });
    testKit.stop(first, WAIT);

    ActorRef<DownloadsActor.Command> second = downloads(net, List.of(net.node(4).id()), 55);
    DownloadView done = awaitComplete(second, id);
    assertEquals(folder.totalLength(), done.bytesTotal());
    for (Metainfo.FileEntry f : folder.files()) {
      assertArrayEquals(Files.readAllBytes(dir.resolve("src/album").resolve(String.join("/", f.path()))),
          Files.readAllBytes(out.resolve(String.join("/", f.path()))), f.pathText());
    }
  }

  @Test
  void aBadSelectionOrADictionaryThatIsNotTheLinksIsRefused() throws Exception {
    SwarmNet net = new SwarmNet(testKit, 6, 53);
    Folder folder = shareFolder(net, 4);
    ActorRef<DownloadsActor.Command> downloads = downloads(net, List.of(net.node(4).id()), 53);
    Path out = dir.resolve("refused");
    DownloadsActor.Rejected r = assertInstanceOf(DownloadsActor.Rejected.class,
        start(downloads, folder.link(), out, folder.infoBytes(), "6"));
    assertEquals(400, r.status());
    assertTrue(r.message().contains("outside 1-5"), r.message());
    // a bare link's selection is checked before its folder is known, within the most files a folder may have
    r = assertInstanceOf(DownloadsActor.Rejected.class, start(downloads, folder.link(), out, null, "1-2000000000"));
    assertTrue(r.message().contains("outside 1-10000"), r.message());
    r = assertInstanceOf(DownloadsActor.Rejected.class, start(downloads, folder.link(), out, null, "1,x"));
    assertTrue(r.message().contains("'x' is not a file number"), r.message());
    String other = "magnet:?xt=urn:btmh:1220" + "ab".repeat(32);
    r = assertInstanceOf(DownloadsActor.Rejected.class, start(downloads, other, out, folder.infoBytes(), null));
    assertTrue(r.message().contains("not the link's"), r.message());
    assertFalse(Files.exists(out));
  }
}

package io.shroud.swarm.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.Merkle;
import io.shroud.content.PieceGeometry;
import io.shroud.content.ShareBuilder;
import io.shroud.content.ShareLink;
import io.shroud.content.ShareMetadata;
import io.shroud.content.ShareOptions;
import io.shroud.identity.NodeId;
import io.shroud.serialization.KryoSerializer;
import io.shroud.testutil.PersistenceTestConfig;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.testkit.SnapshotMeta;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Piece layers live in files and the journal holds their SHA-256 (issue 25): a share whose layer
 * is larger than any event may be shares and survives a restart; journals and snapshots from
 * before keep recovering; a lost or damaged layer file is found and rebuilt, never served.
 * Events and snapshots go through the Kryo serializer and its 256 KiB bound.
 */
class ShareLayerFilesTest {
  static final ActorTestKit testKit = ActorTestKit.create(PersistenceTestConfig.CONFIG);
  static final Duration WAIT = Duration.ofSeconds(60);
  static int instances;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @TempDir Path dir;

  private final NodeId id = NodeId.ofIdentityKey(new byte[] {77, (byte) ++instances});

  private ActorRef<SharesActor.Command> spawn() {
    return testKit.spawn(SharesActor.create(id, dir.resolve("data"), Clock.systemUTC()));
  }

  private static List<ShareView> list(ActorRef<SharesActor.Command> shares) {
    TestProbe<List<ShareView>> probe = testKit.createTestProbe();
    shares.tell(new SharesActor.ListShares(probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  private static Optional<SharesActor.Servable> servable(ActorRef<SharesActor.Command> shares, String infoHash) {
    TestProbe<Optional<SharesActor.Servable>> probe = testKit.createTestProbe();
    shares.tell(new SharesActor.GetServable(infoHash, probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  private static void stop(ActorRef<SharesActor.Command> shares) {
    testKit.stop(shares, WAIT);
  }

  /** Checks {@code pieces} of the served bytes against the piece layer the catalogue serves. */
  private static void servesVerifiably(SharesActor.Servable s, ShareLink link, int... pieces) throws Exception {
    PieceGeometry g = link.geometry();
    assertArrayEquals(link.piecesRoot().orElseThrow(), s.metadata().tree().root());
    try (RandomAccessFile f = new RandomAccessFile(s.dataFile().toFile(), "r")) {
      for (int p : pieces) {
        byte[] data = new byte[g.pieceSize(p)];
        f.seek(g.pieceOffset(p));
        f.readFully(data);
        assertTrue(Merkle.verifyPiece(g, s.metadata().tree().pieceHash(p), p, data), "piece " + p);
      }
    }
  }

  @Test
  void aShareWhoseLayerIsLargerThanTheEventBoundIsSharedAndSurvivesARestart() throws Exception {
    // 9000 pieces of 16 KiB: a 288 000-byte layer, past the serializer's 256 KiB; a sparse file
    // (mostly holes, a few marked bytes) so that hashing its 141 MiB takes a second or so
    int pieces = 9000;
    Path file = dir.resolve("files").resolve("big.img");
    Files.createDirectories(file.getParent());
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength((long) pieces * 16384 - 1000);
      for (long at : new long[] {0, 16384L * 4500 + 7, 16384L * pieces - 1001}) {
        f.seek(at);
        f.write(new byte[] {1, 2, 3});
      }
    }
    assertTrue(pieces * Merkle.HASH_LENGTH > KryoSerializer.MAX_BYTES);
    ActorRef<SharesActor.Command> shares = spawn();
    TestProbe<SharesActor.AddResult> added = testKit.createTestProbe();
    shares.tell(new SharesActor.AddShare(file, true, 16384, added.getRef()));
    ShareView share = assertInstanceOf(SharesActor.Added.class, added.receiveMessage(WAIT)).share();
    assertEquals(pieces, share.pieces());
    for (Object e : PersistenceTestKit.create(testKit.system()).persistedInStorage("shares|" + id.toHex())) {
      ShareJournal.ShareAdded a = assertInstanceOf(ShareJournal.ShareAdded.class, e);
      assertEquals(32, a.pieceLayerSha256().length, "the journal holds the layer's hash, not the layer");
    }
    stop(shares);

    ActorRef<SharesActor.Command> again = spawn();
    ShareView back = list(again).get(0);
    assertEquals(share.link(), back.link(), "the same link");
    assertFalse(back.stale(), back.staleReason());
    servesVerifiably(servable(again, share.infoHash()).orElseThrow(), ShareLink.parse(share.link()),
        0, 4500, pieces - 1);
    stop(again);
  }

  private ShareMetadata publicShare(String name, int length) throws Exception {
    byte[] bytes = new byte[length];
    new java.util.Random(length).nextBytes(bytes);
    Path file = dir.resolve("files").resolve(name);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
    return new ShareBuilder(new SecureRandom()).build(file, ShareOptions.publicShare().withPieceLength(16384));
  }

  private static ShareJournal.LegacyShareAdded legacy(ShareMetadata m) throws Exception {
    return new ShareJournal.LegacyShareAdded(m.infoHashHex(), m.dataFile().toString(), true, m.info().encode(),
        m.tree().pieceLayerBytes(), Files.size(m.dataFile()), Files.getLastModifiedTime(m.dataFile()).toMillis(),
        Instant.now());
  }

  @Test
  void journalsAndSnapshotsWithTheLayerInlineStillRecoverAndTheLayerMovesToAFile() throws Exception {
    ShareMetadata fromEvent = publicShare("old-event.bin", 200_000);
    ShareMetadata fromSnapshot = publicShare("old-snapshot.bin", 150_000);
    String pid = "shares|" + id.toHex();
    HashMap<String, ShareJournal.LegacyShareAdded> old = new HashMap<>(Map.of(fromSnapshot.infoHashHex(),
        legacy(fromSnapshot)));
    SnapshotTestKit.create(testKit.system()).persistForRecovery(pid,
        List.of(Pair.create(SnapshotMeta.create(1), new ShareJournal.LegacyState(old))));
    PersistenceTestKit.create(testKit.system()).persistForRecovery(pid, List.of(legacy(fromSnapshot), legacy(fromEvent)));

    ActorRef<SharesActor.Command> shares = spawn();
    List<ShareView> views = list(shares);
    assertEquals(2, views.size());
    views.forEach(v -> assertFalse(v.stale(), v.staleReason()));
    ShareStore store = new ShareStore(dir.resolve("data"));
    for (ShareMetadata m : List.of(fromEvent, fromSnapshot)) {
      assertArrayEquals(m.tree().pieceLayerBytes(), Files.readAllBytes(store.layerFile(m.infoHashHex())));
      servesVerifiably(servable(shares, m.infoHashHex()).orElseThrow(), m.link(), 0, 5);
    }
    stop(shares);
  }

  @Test
  void aDamagedLayerFileIsNeverServedAndIsRebuiltFromTheSharedBytes() throws Exception {
    Path file = dir.resolve("files").resolve("doc.bin");
    Files.createDirectories(file.getParent());
    Files.write(file, new byte[300_000]);
    ActorRef<SharesActor.Command> shares = spawn();
    TestProbe<SharesActor.AddResult> added = testKit.createTestProbe();
    shares.tell(new SharesActor.AddShare(file, false, added.getRef()));
    ShareView share = assertInstanceOf(SharesActor.Added.class, added.receiveMessage(WAIT)).share();
    stop(shares);
    Path layer = new ShareStore(dir.resolve("data")).layerFile(share.infoHash());
    byte[] good = Files.readAllBytes(layer);
    byte[] damaged = good.clone();
    damaged[3] ^= 1;
    Files.write(layer, damaged);

    ActorRef<SharesActor.Command> again = spawn();
    ShareView stale = list(again).get(0);
    assertTrue(stale.stale() && stale.staleReason().contains("damaged"), String.valueOf(stale.staleReason()));
    assertEquals(share.link(), stale.link(), "the link survives");
    testKit.createTestProbe().awaitAssert(WAIT, Duration.ofMillis(50), () -> {
      assertFalse(list(again).get(0).stale(), "rebuilt from the ciphertext");
      return null;
    });
    assertArrayEquals(good, Files.readAllBytes(layer));
    servesVerifiably(servable(again, share.infoHash()).orElseThrow(), ShareLink.parse(share.link()), 0, 18);
    stop(again);

    // a lost layer file whose shared bytes no longer match it stays stale, with the reason
    Files.delete(layer);
    Path data = new ShareStore(dir.resolve("data")).dataFile(share.infoHash());
    try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "rw")) {
      f.seek(100);
      int b = f.read();
      f.seek(100);
      f.write(0x55 ^ b);
    }
    ActorRef<SharesActor.Command> third = spawn();
    assertTrue(list(third).get(0).stale());
    testKit.createTestProbe().awaitAssert(WAIT, Duration.ofMillis(50), () -> {
      String why = list(third).get(0).staleReason();
      assertTrue(why != null && why.contains("not rebuilt") && why.contains("no longer hash"), String.valueOf(why));
      return null;
    });
    assertEquals(Optional.empty(), servable(third, share.infoHash()));
    stop(third);
  }
}

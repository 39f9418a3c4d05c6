package io.shroud.swarm.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.Merkle;
import io.shroud.content.ShareDecryptor;
import io.shroud.content.ShareLink;
import io.shroud.identity.NodeId;
import io.shroud.testutil.PersistenceTestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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

/** SharesActor on the persistence testkit (events and snapshots serialized through Kryo). */
class SharesActorTest {
  static final ActorTestKit testKit = ActorTestKit.create(PersistenceTestConfig.CONFIG);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @TempDir
  Path dir;

  private final NodeId nodeId = NodeId.ofIdentityKey(new byte[] {1, 2, 3});

  private Path file(String name, int size) throws Exception {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    Path p = dir.resolve("files").resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
    return p;
  }

  private ActorRef<SharesActor.Command> spawn(NodeId id) {
    return testKit.spawn(SharesActor.create(id, dir.resolve("data"), Clock.systemUTC()));
  }

  private SharesActor.AddResult add(ActorRef<SharesActor.Command> shares, Path path, boolean isPublic) {
    TestProbe<SharesActor.AddResult> probe = testKit.createTestProbe();
    shares.tell(new SharesActor.AddShare(path, isPublic, probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(30));
  }

  private List<ShareView> list(ActorRef<SharesActor.Command> shares) {
    TestProbe<List<ShareView>> probe = testKit.createTestProbe();
    shares.tell(new SharesActor.ListShares(probe.getRef()));
    return probe.receiveMessage();
  }

  @Test
  void anEncryptedShareSurvivesARestartWithTheSameLinkAndServesVerifiableCiphertext() throws Exception {
    NodeId id = NodeId.ofIdentityKey(new byte[] {9});
    Path f = file("movie.bin", 100_000);
    ActorRef<SharesActor.Command> shares = spawn(id);
    var added = assertInstanceOf(SharesActor.Added.class, add(shares, f, false));
    assertTrue(added.share().encrypted());
    assertEquals(100_000, added.share().length());
    testKit.stop(shares);

    ActorRef<SharesActor.Command> again = spawn(id);
    List<ShareView> views = list(again);
    assertEquals(1, views.size());
    assertEquals(added.share().link(), views.get(0).link());
    assertFalse(views.get(0).stale());

    // the data the node serves is ciphertext that verifies from the link alone and decrypts to the file
    TestProbe<Optional<SharesActor.Servable>> probe = testKit.createTestProbe();
    again.tell(new SharesActor.GetServable(added.share().infoHash(), probe.getRef()));
    SharesActor.Servable servable = probe.receiveMessage().orElseThrow();
    ShareLink link = ShareLink.parse(views.get(0).link());
    byte[] served = Files.readAllBytes(servable.dataFile());
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(f), served), "the network carries ciphertext");
    var tree = io.shroud.content.MerkleTree.fromPieceLayerBytes(link.geometry(),
        servable.metadata().tree().pieceLayerBytes(), link.piecesRoot().orElseThrow());
    int pl = link.geometry().pieceLength();
    for (int i = 0; i < link.geometry().pieceCount(); i++) {
      byte[] piece = java.util.Arrays.copyOfRange(served, i * pl, Math.min(served.length, (i + 1) * pl));
      assertTrue(Merkle.verifyPiece(link.geometry(), tree.pieceHash(i), i, piece), "piece " + i);
    }
    Path out = dir.resolve("out.bin");
    ShareDecryptor.decrypt(link, servable.dataFile(), out);
    assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(out));
    testKit.stop(again);
  }

  @Test
  void badPathsAndDuplicatesAreRefusedWithClearMessages() throws Exception {
    ActorRef<SharesActor.Command> shares = spawn(nodeId);
    Path f = file("a.txt", 10);
    assertRefused(add(shares, dir.resolve("nope.txt"), false), 400, "no such file");
    assertRefused(add(shares, Files.createDirectories(dir.resolve("empty-folder")), false), 400, "holds no file");
    assertRefused(add(shares, Path.of("relative.txt"), false), 400, "must be absolute");
    assertInstanceOf(SharesActor.Added.class, add(shares, f, true));
    assertRefused(add(shares, f, true), 409, "already shared publicly");
    // the same file may be shared once encrypted as well: another link, another info-hash
    assertInstanceOf(SharesActor.Added.class, add(shares, f, false));
    assertEquals(2, list(shares).size());
    testKit.stop(shares);
  }

  @Test
  void aChangedFileIsStaleAndNotServedAndRemovalForgetsTheShare() throws Exception {
    NodeId id = NodeId.ofIdentityKey(new byte[] {7});
    ActorRef<SharesActor.Command> shares = spawn(id);
    Path f = file("doc.txt", 40_000);
    var added = assertInstanceOf(SharesActor.Added.class, add(shares, f, true));
    String hash = added.share().infoHash();
    // a public share's link and info-hash are plain BEP 52 values
    assertEquals(hash, ShareLink.parse(added.share().link()).infoHashHex());

    Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 5000));
    ShareView view = list(shares).get(0);
    assertTrue(view.stale());
    assertTrue(view.staleReason().contains("modified"), view.staleReason());
    TestProbe<Optional<SharesActor.Servable>> servable = testKit.createTestProbe();
    shares.tell(new SharesActor.GetServable(hash, servable.getRef()));
    assertEquals(Optional.empty(), servable.receiveMessage());

    TestProbe<Boolean> removed = testKit.createTestProbe();
    shares.tell(new SharesActor.RemoveShare(hash, removed.getRef()));
    assertEquals(true, removed.receiveMessage());
    shares.tell(new SharesActor.RemoveShare(hash, removed.getRef()));
    assertEquals(false, removed.receiveMessage());
    assertEquals(List.of(), list(shares));
    testKit.stop(shares);
  }

  private static void assertRefused(SharesActor.AddResult r, int status, String part) {
    var refused = assertInstanceOf(SharesActor.Refused.class, r);
    assertEquals(status, refused.status(), refused.message());
    assertTrue(refused.message().contains(part), refused.message());
  }
}

package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.InfoDict;
import io.shroud.content.ShareLink;
import io.shroud.swarm.ShareFixture;
import io.shroud.swarm.serve.SharesActor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The part-file actor hands a completed download to the share catalogue and cleans up when
 * refused, and deletes a cancelled download's files only after the write in flight.
 */
class PartFileActorTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final int PIECE = 16 * 1024;

  @TempDir
  Path dir;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  /**
   * A cancel that arrives while a batch is being written deletes the files after that batch, and
   * nothing is written after it: the batch would otherwise create the part file again (the race
   * of a cancelled download whose part file survived).
   */
  @Test
  void filesAreDeletedAfterTheBatchInFlightAndNothingIsWrittenAfterThem() throws Exception {
    ShareFixture share = new ShareFixture(6, 2 * PIECE, PIECE);
    ShareLink link = ShareLink.forPublic(new InfoDict("f.bin", share.geometry, share.tree.root(), null));
    DownloadStore store = new DownloadStore(dir);
    Files.createDirectories(store.partFile("c").getParent());
    List<Runnable> held = new ArrayList<>();
    Executor blocking = task -> {
      synchronized (held) {
        held.add(task);
      }
    };
    ActorRef<PartFileActor.Command> partFile = KIT.spawn(PartFileActor.create(store, "c", link, dir.resolve("o.bin"),
        new PieceBuffers(PIECE, 2), blocking, false));
    TestProbe<PieceDownloadActor.Command> piece0 = KIT.createTestProbe();
    TestProbe<PieceDownloadActor.Command> piece1 = KIT.createTestProbe();
    partFile.tell(new PartFileActor.Write(new DownloadStore.PieceData(0, 0, new byte[PIECE]), piece0.ref()));
    piece0.awaitAssert(() -> {
      synchronized (held) {
        assertEquals(1, held.size(), "the batch is on the blocking dispatcher");
      }
      return null;
    });
    partFile.tell(new PartFileActor.DeleteFiles(dir.resolve("o.bin")));
    partFile.tell(new PartFileActor.Write(new DownloadStore.PieceData(1, PIECE, new byte[PIECE]), piece1.ref()));
    assertInstanceOf(PieceDownloadActor.NotWritten.class, piece1.receiveMessage(), "no write after a cancel");
    synchronized (held) {
      assertEquals(1, held.size(), "nothing deleted while the batch is in flight");
      held.remove(0).run(); // the batch writes the part file
    }
    assertTrue(Files.exists(store.partFile("c")));
    assertEquals(PieceDownloadActor.Written.INSTANCE, piece0.receiveMessage());
    piece0.awaitAssert(() -> {
      synchronized (held) {
        assertEquals(1, held.size(), "then the deletion");
        held.remove(0).run();
      }
      return null;
    });
    assertFalse(Files.exists(store.partFile("c")), "deleted after the batch, not before it");
  }

  @Test
  void aRefusedSeedDeletesThePartAndLeavesFiles() throws Exception {
    ShareFixture share = new ShareFixture(5, 2 * PIECE, PIECE);
    ShareLink link = ShareLink.forPublic(new InfoDict("f.bin", share.geometry, share.tree.root(), null));
    DownloadStore store = new DownloadStore(dir);
    Files.createDirectories(store.partFile("d").getParent());
    Files.write(store.partFile("d"), new byte[] {1});
    Files.write(store.leavesFile("d"), new byte[] {2});
    Path output = dir.resolve("out.bin");
    ActorRef<PartFileActor.Command> partFile = KIT.spawn(PartFileActor.create(store, "d", link, output,
        new PieceBuffers(PIECE, 2), Runnable::run, false));
    TestProbe<SharesActor.Command> shares = KIT.createTestProbe();

    partFile.tell(new PartFileActor.Seed(shares.getRef(), new byte[] {3}));
    SharesActor.AdoptDownload adopt = shares.expectMessageClass(SharesActor.AdoptDownload.class);
    assertEquals(output, adopt.output());
    assertNull(adopt.ciphertext(), "a public share is served from its output");
    assertEquals(store.leavesFile("d"), adopt.leaves());
    adopt.replyTo().tell(new SharesActor.Refused(409, "already shared"));

    shares.awaitAssert(() -> {
      assertFalse(Files.exists(store.partFile("d")));
      assertFalse(Files.exists(store.leavesFile("d")));
      return null;
    });
  }
}

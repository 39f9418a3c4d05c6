package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.shroud.content.InfoDict;
import io.shroud.content.ShareLink;
import io.shroud.swarm.ShareFixture;
import io.shroud.swarm.serve.SharesActor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The part-file actor hands a completed download to the share catalogue, and cleans up when refused. */
class PartFileActorTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final int PIECE = 16 * 1024;

  @TempDir
  Path dir;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
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

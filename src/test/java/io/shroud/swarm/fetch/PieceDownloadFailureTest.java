package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.Streams;
import io.shroud.content.InfoDict;
import io.shroud.content.PieceGeometry;
import io.shroud.content.ShareLink;
import io.shroud.swarm.ShareFixture;
import io.shroud.swarm.serve.TransferServiceActor;
import io.shroud.swarm.transfer.OutboundChunks;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.swarm.transfer.TransferFrameDecoder;
import io.shroud.swarm.transfer.TransferMessage;
import io.shroud.testutil.PersistenceTestConfig;
import io.shroud.testutil.SeededRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.apache.pekko.actor.Kill;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A piece download that fails costs its piece only: fed a corrupt block and then killed in the
 * middle of its piece, its blocks go back to the picker, that piece alone is asked for again and
 * the download completes with the share's SHA-256.
 */
class PieceDownloadFailureTest {
  static final ActorTestKit testKit = ActorTestKit.create(PersistenceTestConfig.CONFIG);
  static final Duration WAIT = Duration.ofSeconds(60);
  static final int BLOCK = PieceGeometry.BLOCK_SIZE;
  static final int PIECE = 4 * BLOCK;
  static final int PIECES = 8;
  /** The piece whose download is fed a corrupt block and killed. */
  static final int VICTIM = 3;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @TempDir
  Path dir;

  /**
   * The scripted provider's news: {@code parked}, its second request for the victim's last block
   * is held back; or the victim's first block is asked for again (its download's blocks came back).
   */
  record News(boolean parked, ActorRef<Object> session) {}

  /** Tells the scripted provider's session to answer the request it held back. */
  enum Release { INSTANCE }

  @Test
  void aPieceDownloadFedACorruptBlockAndKilledCostsThatPieceOnly() throws Exception {
    SwarmNet net = new SwarmNet(testKit, 3, 23);
    ShareFixture share = new ShareFixture(77, PIECES * PIECE, PIECE);
    ShareLink link = ShareLink.forPublic(new InfoDict("f.bin", share.geometry, share.tree.root(), null));
    AtomicIntegerArray requests = new AtomicIntegerArray(PIECES);
    TestProbe<News> provider = testKit.createTestProbe();
    net.node(2).circuits().tell(new CircuitsActor.RegisterService(TransferServiceActor.SERVICE,
        testKit.spawn(Behaviors.<Streams.ServiceRequest>receive((ctx, request) -> {
          if (request instanceof Streams.OpenServiceStream open) {
            ActorRef<Object> session = ctx.spawnAnonymous(scriptedSession(open.stream(), share, requests,
                provider.ref()));
            open.replyTo().tell(new Streams.Accept(session.narrow()));
          }
          return Behaviors.same();
        }))));
    ActorRef<DownloadsActor.Command> downloads = testKit.spawn(DownloadsActor.create(new DownloadActor.Setup(
        net.node(0).id(), dir.resolve("data"), net.node(0).circuits(), net.node(0).lookups(), SwarmSettings.defaults(),
        List.of(net.node(2).id()), Optional.empty(), Clock.systemUTC(), SeededRandom.of(5))), "downloads");
    Path output = dir.resolve("out.bin");
    TestProbe<DownloadsActor.StartResult> started = testKit.createTestProbe();
    downloads.tell(new DownloadsActor.StartDownload(link.format(), output.toString(), 1, started.ref()));
    String id = assertInstanceOf(DownloadsActor.Started.class, started.receiveMessage(WAIT)).download().id();

    // the victim's download checked the corrupt last block (its sender was asked again, so the
    // report came back) after the three good blocks before it: it holds them and cannot finish
    News parked = provider.receiveMessage(WAIT);
    assertTrue(parked.parked());
    org.apache.pekko.actor.ActorRef victim = testKit.system().classicSystem()
        .actorSelection("/user/downloads/download-" + id + "/piece-" + VICTIM + "-*")
        .resolveOne(WAIT).toCompletableFuture().get();
    TestProbe<Object> watcher = testKit.createTestProbe();
    victim.tell(Kill.getInstance(), org.apache.pekko.actor.ActorRef.noSender());
    watcher.expectTerminated(Adapter.toTyped(victim), WAIT);
    // the blocks it held are asked for again (the parked one is still owed by the provider)
    assertFalse(provider.receiveMessage(WAIT).parked());
    parked.session().tell(Release.INSTANCE);

    DownloadView done = testKit.createTestProbe().awaitAssert(WAIT, Duration.ofMillis(50), () -> {
      TestProbe<Optional<DownloadView>> view = testKit.createTestProbe();
      downloads.tell(new DownloadsActor.GetDownload(id, view.ref()));
      DownloadView v = view.receiveMessage(WAIT).orElseThrow();
      assertEquals("COMPLETE", v.state(), v::toString);
      return v;
    });
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(share.content)),
        done.sha256());
    assertEquals(done.sha256(), HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(output))));
    for (int p = 0; p < PIECES; p++) {
      int expected = p != VICTIM ? 4 // once each
          : 4 + 1 + 3; // once, the corrupt block again, then the three the killed download held
      assertEquals(expected, requests.get(p), "block requests for piece " + p);
    }
    assertEquals(1, done.sources().get(0).strikes(), "the sender of the corrupt block is struck once");
    assertFalse(done.sources().get(0).banned());
  }

  /**
   * A provider's end of one transfer stream that answers HELLO, hash and block requests for
   * {@code share}, counting block requests per piece; the victim's last block is corrupt the
   * first time, and the second request for it waits for {@link Release}. It tells {@code news}
   * when it parks that request and when the victim's first block is asked for again.
   */
  private static Behavior<Object> scriptedSession(ActorRef<Streams.StreamCommand> stream, ShareFixture share,
      AtomicIntegerArray requests, ActorRef<News> news) {
    TransferFrameDecoder decoder = new TransferFrameDecoder();
    OutboundChunks out = new OutboundChunks(Streams.MAX_CHUNK);
    int lastOffset = (share.geometry.blocksIn(VICTIM) - 1) * BLOCK;
    TransferMessage.BlockRequest[] held = new TransferMessage.BlockRequest[1];
    return Behaviors.setup(ctx -> Behaviors.receiveMessage(e -> {
      if (e instanceof Streams.StreamOpened o) {
        out.credit(o.credit());
      } else if (e instanceof Streams.StreamCredit c) {
        out.credit(c.chunks());
      } else if (e == Release.INSTANCE) {
        out.add(share.serve(held[0].piece(), held[0].offset(), held[0].length()));
      } else if (e instanceof Streams.StreamData d) {
        stream.tell(new Streams.Consumed(d.chunks()));
        for (TransferMessage m : decoder.feed(d.data())) {
          if (m instanceof TransferMessage.Hello) {
            out.add(TransferMessage.Have.allPieces());
          } else if (m instanceof TransferMessage.HashRequest r) {
            out.add(share.serve(r));
          } else if (m instanceof TransferMessage.BlockRequest r) {
            int asked = requests.incrementAndGet(r.piece());
            TransferMessage.Block block = share.serve(r.piece(), r.offset(), r.length());
            boolean victimsLast = r.piece() == VICTIM && r.offset() == lastOffset;
            if (victimsLast && held[0] == null && asked == share.geometry.blocksIn(VICTIM)) {
              byte[] corrupt = block.sharedData().clone();
              corrupt[0] ^= 1;
              out.add(TransferMessage.Block.of(r.piece(), r.offset(), block.proofHashes(), corrupt));
              held[0] = r; // marks the corrupt one as sent
            } else if (victimsLast && held[0] != null && asked == share.geometry.blocksIn(VICTIM) + 1) {
              held[0] = r;
              news.tell(new News(true, ctx.getSelf()));
            } else {
              if (r.piece() == VICTIM && r.offset() == 0 && asked > share.geometry.blocksIn(VICTIM)) {
                news.tell(new News(false, ctx.getSelf()));
              }
              out.add(block);
            }
          }
        }
      }
      out.drain().forEach(chunk -> stream.tell(new Streams.Write(chunk)));
      return Behaviors.same();
    }));
  }
}
